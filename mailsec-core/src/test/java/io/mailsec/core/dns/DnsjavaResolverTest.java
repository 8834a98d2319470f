package io.mailsec.core.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** DnsjavaResolver against a real dnsmasq: every outcome kind is told apart (DESIGN.md, mailsec-core). */
class DnsjavaResolverTest {
    private static Dnsmasq dns;
    private static DnsjavaResolver resolver;

    @BeforeAll
    static void start() throws Exception {
        dns = Dnsmasq.start("127.0.5.53", List.of("example.test"), List.of(
                "txt-record=multi.example.test,\"v=DKIM1; k=rsa; \",\"p=ABC\"",
                "txt-record=two.example.test,\"first\"",
                "txt-record=two.example.test,\"second\"",
                "host-record=mail.example.test,192.0.2.10,2001:db8::10",
                "mx-host=example.test,mail.example.test,10",
                "ptr-record=10.2.0.192.in-addr.arpa,mail.example.test",
                "cname=alias.example.test,multi.example.test"));
        resolver = DnsjavaResolver.create(List.of("127.0.5.53"), Duration.ofSeconds(3));
    }

    @AfterAll
    static void stop() {
        if (dns != null) {
            dns.close();
        }
    }

    @Test
    void multiStringTxtIsConcatenated_rfc6376_3_6_2_2() {
        DnsResult<String> r = resolver.txt("multi.example.test");
        assertThat(r.status()).isEqualTo(DnsStatus.OK);
        assertThat(r.records()).containsExactly("v=DKIM1; k=rsa; p=ABC");
        assertThat(r.ttlSeconds()).isPositive();
    }

    @Test
    void severalTxtRecordsStaySeparate() {
        assertThat(resolver.txt("two.example.test").records()).containsExactlyInAnyOrder("first", "second");
    }

    @Test
    void cnameIsFollowed() {
        assertThat(resolver.txt("alias.example.test").records()).containsExactly("v=DKIM1; k=rsa; p=ABC");
    }

    @Test
    void missingNameIsNxdomainAndExistingNameWithoutTypeIsNodata() {
        assertThat(resolver.txt("nothing.example.test").status()).isEqualTo(DnsStatus.NXDOMAIN);
        assertThat(resolver.txt("mail.example.test").status()).isEqualTo(DnsStatus.NODATA);
        assertThat(DnsStatus.NXDOMAIN.isEmpty()).isTrue();
        assertThat(DnsStatus.NODATA.isTemporary()).isFalse();
    }

    @Test
    void addressesMxAndPtr() throws Exception {
        assertThat(resolver.a("mail.example.test").records()).containsExactly(InetAddress.getByName("192.0.2.10"));
        assertThat(resolver.aaaa("mail.example.test").records()).containsExactly(InetAddress.getByName("2001:db8::10"));
        assertThat(resolver.addresses("mail.example.test").records()).hasSize(2);
        assertThat(resolver.mx("example.test").records()).singleElement()
                .satisfies(mx -> {
                    assertThat(mx.preference()).isEqualTo(10);
                    assertThat(mx.exchange()).isEqualTo("mail.example.test");
                });
        assertThat(resolver.ptr(InetAddress.getByName("192.0.2.10")).records()).containsExactly("mail.example.test");
    }

    @Test
    void refusedNameOutsideLocalZonesIsServfailNotEmpty() {
        // dnsmasq with no-resolv answers REFUSED for names outside its zones: a server failure, never "no record".
        DnsResult<String> r = resolver.txt("elsewhere.invalid");
        assertThat(r.status()).isEqualTo(DnsStatus.SERVFAIL);
        assertThat(r.status().isTemporary()).isTrue();
    }

    /** Issue 14, defect 5: a dead server's exception has no message, and the reason ended in ": null". */
    @Test
    void deadServerReasonNamesServerNameTypeAndKind() throws Exception {
        int port;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName("127.0.5.55"))) {
            port = s.getLocalPort(); // closed again: the kernel answers ICMP port unreachable
        }
        DnsjavaResolver r = DnsjavaResolver.create(List.of("127.0.5.55:" + port), Duration.ofMillis(500));
        DnsResult<String> res = r.txt("multi.example.test");
        assertThat(res.status().isTemporary()).isTrue();
        assertThat(res.detail()).contains("TXT").contains("multi.example.test").contains("127.0.5.55:" + port)
                .doesNotContain("null").matches(".*(network error|timeout).*");
    }

    @Test
    void describeNamesTheKindWhenThereIsNoMessage() {
        assertThat(DnsjavaResolver.describe(new java.net.PortUnreachableException())).isEqualTo("PortUnreachableException");
        assertThat(DnsjavaResolver.describe(new java.io.IOException(new java.nio.channels.ClosedChannelException())))
                .isEqualTo("IOException; ClosedChannelException");
        assertThat(DnsjavaResolver.describe(new java.io.IOException("send failed", new java.net.SocketException("Network is unreachable"))))
                .isEqualTo("IOException send failed; Network is unreachable");
    }

    @Test
    void refusedNameReasonNamesTheServer() {
        assertThat(resolver.txt("elsewhere.invalid").detail()).contains("REFUSED").contains("TXT").contains("127.0.5.53");
    }

    @Test
    void silentServerIsTimeoutNotEmpty() throws Exception {
        try (DatagramSocket blackHole = new DatagramSocket(0, InetAddress.getByName("127.0.5.54"))) {
            DnsjavaResolver r = DnsjavaResolver.create(List.of("127.0.5.54:" + blackHole.getLocalPort()),
                    Duration.ofMillis(300));
            DnsResult<String> res = r.txt("multi.example.test");
            assertThat(res.status()).isEqualTo(DnsStatus.TIMEOUT);
            assertThat(res.detail()).contains("timeout");
        }
    }
}

package io.mailsec.tls.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.mailsec.core.dns.DnsjavaResolver;
import io.mailsec.core.dns.Dnsmasq;

/** The {@code _smtp._tls} record (RFC 8460 §3): its syntax, and the lookup through a real dnsmasq on 127.0.19.53. */
class TlsRptRecordTest {
    @Test
    void recordsThatParse() {
        TlsRptRecord r = TlsRptRecord.parse("v=TLSRPTv1;rua=mailto:tlsrpt@example.com");
        assertThat(r.destinations()).containsExactly(URI.create("mailto:tlsrpt@example.com"));
        assertThat(r.mailtoAddresses()).containsExactly("tlsrpt@example.com");
        assertThat(r.httpsUris()).isEmpty();

        r = TlsRptRecord.parse("v=TLSRPTv1 ; rua=mailto:a@example.com?subject=tls , https://reports.example.com/v1/tlsrpt,ftp://x.example/ ; ext-1.x=yes;");
        assertThat(r.mailtoAddresses()).containsExactly("a@example.com");
        assertThat(r.httpsUris()).containsExactly(URI.create("https://reports.example.com/v1/tlsrpt"));
        assertThat(r.ignored()).containsExactly("ftp://x.example/");
        assertThat(TlsRptRecord.parse("v=TLSRPTv1;\trua=MAILTO:b@example.com").mailtoAddresses()).containsExactly("b@example.com");
    }

    @Test
    void recordsThatDoNot() {
        assertThat(TlsRptRecord.isTlsRptRecord("v=spf1 -all")).isFalse();
        assertThat(TlsRptRecord.isTlsRptRecord("v=TLSRPTv10;rua=mailto:a@example.com")).isFalse();
        assertThat(TlsRptRecord.isTlsRptRecord("v=tlsrptv1;rua=mailto:a@example.com")).as("case-sensitive").isFalse();
        assertThat(TlsRptRecord.isTlsRptRecord("v=TLSRPTv1")).as("no field at all").isFalse();
        assertThatThrownBy(() -> TlsRptRecord.parse("v=TLSRPTv1; ext=1")).hasMessage("no rua field");
        assertThatThrownBy(() -> TlsRptRecord.parse("v=TLSRPTv1;rua=mailto:a@example.com;rua=mailto:b@example.com"))
                .hasMessageContaining("more than one rua");
        assertThatThrownBy(() -> TlsRptRecord.parse("v=TLSRPTv1;rua=ftp://example.com/")).hasMessageContaining("no mailto: or https:");
        assertThatThrownBy(() -> TlsRptRecord.parse("v=TLSRPTv1;rua=mailto:nobody")).hasMessageContaining("no mailto: or https:");
        assertThatThrownBy(() -> TlsRptRecord.parse("v=TLSRPTv1;rua=https://exa mple.com/")).hasMessageContaining("is not a URI");
        assertThatThrownBy(() -> TlsRptRecord.parse("v=TLSRPTv1;rua=mailto:a@example.com,")).hasMessageContaining("empty URI");
        assertThatThrownBy(() -> TlsRptRecord.parse("v=TLSRPTv1;rua=mailto:a@example.com;;x=1")).hasMessageContaining("empty field");
        assertThatThrownBy(() -> TlsRptRecord.parse("v=TLSRPTv1;rua=mailto:a@example.com;bad field")).hasMessageContaining("not name=value");
    }

    @Test
    void discoveryThroughRealDns() throws Exception {
        try (Dnsmasq dns = Dnsmasq.on("127.0.19.53").zone("rpt.test")
                .txt("_smtp._tls.one.rpt.test", "v=TLSRPTv1; rua=mailto:tlsrpt@one.rpt.test")
                .txt("_smtp._tls.one.rpt.test", "v=spf1 -all")
                // one record in two character-strings, joined without a space (RFC 8460 §3)
                .txtStrings("_smtp._tls.split.rpt.test", "v=TLSRPTv1;rua=mailto:a@split.rpt.test,https://rpt.spl", "it.rpt.test/in")
                .txt("_smtp._tls.two.rpt.test", "v=TLSRPTv1;rua=mailto:a@two.rpt.test")
                .txt("_smtp._tls.two.rpt.test", "v=TLSRPTv1;rua=mailto:b@two.rpt.test")
                .txt("_smtp._tls.bad.rpt.test", "v=TLSRPTv1;rua=gopher://bad.rpt.test/")
                .txt("_smtp._tls.other.rpt.test", "v=STSv1; id=1")
                .host("none.rpt.test", "127.0.19.1")
                .start()) {
            TlsRptDiscovery d = new TlsRptDiscovery(DnsjavaResolver.create(List.of("127.0.19.53"), Duration.ofSeconds(3)));
            TlsRptDiscovery.Outcome one = d.discover("One.Rpt.Test.");
            assertThat(one.kind()).isEqualTo(TlsRptDiscovery.Outcome.Kind.FOUND);
            assertThat(one.record().get().mailtoAddresses()).containsExactly("tlsrpt@one.rpt.test");

            TlsRptDiscovery.Outcome split = d.discover("split.rpt.test");
            assertThat(split.record().get().httpsUris()).containsExactly(URI.create("https://rpt.split.rpt.test/in"));

            assertThat(d.discover("two.rpt.test").kind()).isEqualTo(TlsRptDiscovery.Outcome.Kind.NONE);
            assertThat(d.discover("two.rpt.test").detail()).contains("2 v=TLSRPTv1 records");
            assertThat(d.discover("bad.rpt.test").detail()).contains("is invalid", "no mailto: or https:");
            assertThat(d.discover("other.rpt.test").detail()).contains("begins with v=TLSRPTv1");
            assertThat(d.discover("none.rpt.test").kind()).isEqualTo(TlsRptDiscovery.Outcome.Kind.NONE);
            assertThat(d.discover("missing.rpt.test").detail()).contains("no TXT record at _smtp._tls.missing.rpt.test");
        }
    }
}

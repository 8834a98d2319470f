package io.mailsec.tls.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

/** Matching precedence (issue 3 "Policy model"): address > exact domain > nearest parent > default; IPs longest prefix. */
class PolicyListTest {
    private static final String FILE = String.join("\n",
            "# sample",
            "[outbound]",
            "default            may",
            "example.com        encrypt   # exact",
            ".example.com       verify    # tree",
            ".sub.example.com   none",
            "boss@example.com   none",
            "x.sub.example.com  encrypt",
            "[inbound]",
            "default            none",
            "10.0.0.0/8         encrypt",
            "10.1.0.0/16        verify",
            "10.1.2.3           may",
            "2001:db8::/32      encrypt",
            "2001:db8:1::/48    verify",
            "partner.example    encrypt",
            "");

    private final TlsPolicy policy = parse(FILE);

    static TlsPolicy parse(String text) {
        try {
            return PolicyParser.parse(text, "test.policy");
        } catch (PolicyParseException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void addressBeatsExactDomain() {
        PolicyMatch m = policy.outbound().lookup("Boss@Example.COM");
        assertThat(m.level()).isEqualTo(TlsLevel.NONE);
        assertThat(m.entry()).isEqualTo("boss@example.com");
        assertThat(m.kind()).isEqualTo(EntryKind.ADDRESS);
        assertThat(m.line()).isEqualTo(7);
    }

    @Test
    void exactDomainBeatsTreeEntryForTheSameDomain() {
        assertThat(policy.outbound().lookup("alice@example.com").level()).isEqualTo(TlsLevel.ENCRYPT);
        assertThat(policy.outbound().lookup("example.com.").entry()).isEqualTo("example.com");
    }

    @Test
    void treeEntryCoversSubdomainsNearestParentFirst() {
        assertThat(policy.outbound().lookup("a@mail.example.com").level()).isEqualTo(TlsLevel.VERIFY);
        assertThat(policy.outbound().lookup("a@deep.mail.example.com").entry()).isEqualTo(".example.com");
        assertThat(policy.outbound().lookup("a@sub.example.com").level()).isEqualTo(TlsLevel.NONE);
        assertThat(policy.outbound().lookup("a@y.sub.example.com").entry()).isEqualTo(".sub.example.com");
        assertThat(policy.outbound().lookup("a@x.sub.example.com").level()).isEqualTo(TlsLevel.ENCRYPT);
        assertThat(policy.outbound().lookup("a@z.x.sub.example.com").entry()).isEqualTo(".sub.example.com");
    }

    @Test
    void unlistedGetsDefault() {
        PolicyMatch m = policy.outbound().lookup("a@other.org");
        assertThat(m.isDefault()).isTrue();
        assertThat(m.level()).isEqualTo(TlsLevel.MAY);
        assertThat(m.line()).isEqualTo(3);
        assertThat(policy.outbound().lookup("a@notexample.com").isDefault()).isTrue();
        assertThat(policy.outbound().match("a@other.org")).isNull();
    }

    @Test
    void ipLongestPrefixWins() throws Exception {
        assertThat(policy.inbound().lookup(InetAddress.getByName("10.9.9.9")).level()).isEqualTo(TlsLevel.ENCRYPT);
        assertThat(policy.inbound().lookup(InetAddress.getByName("10.1.9.9")).level()).isEqualTo(TlsLevel.VERIFY);
        assertThat(policy.inbound().lookup(InetAddress.getByName("10.1.2.3")).entry()).isEqualTo("10.1.2.3");
        assertThat(policy.inbound().lookup(InetAddress.getByName("11.0.0.1")).isDefault()).isTrue();
        assertThat(policy.inbound().lookup(InetAddress.getByName("2001:db8:1:2::5")).level()).isEqualTo(TlsLevel.VERIFY);
        assertThat(policy.inbound().lookup(InetAddress.getByName("2001:db8:2::5")).entry()).isEqualTo("2001:db8::/32");
        assertThat(policy.inbound().lookup(InetAddress.getByName("2001:db9::1")).level()).isEqualTo(TlsLevel.NONE);
    }

    @Test
    void inboundAndOutboundListsAreSeparate() {
        assertThat(policy.inbound().lookup("x@partner.example").level()).isEqualTo(TlsLevel.ENCRYPT);
        assertThat(policy.outbound().lookup("x@partner.example").isDefault()).isTrue();
        assertThat(policy.inbound().lookup("x@example.com").level()).isEqualTo(TlsLevel.NONE);
    }

    @Test
    void missingDefaultIsMay() {
        TlsPolicy p = parse("[outbound]\nexample.com verify\n");
        assertThat(p.outbound().lookup("a@b.c").level()).isEqualTo(TlsLevel.MAY);
        assertThat(p.inbound().lookup("a@b.c").level()).isEqualTo(TlsLevel.MAY);
    }

    @Test
    void zeroLengthPrefixMatchesEverything() throws Exception {
        TlsPolicy p = parse("[inbound]\n0.0.0.0/0 encrypt\n::/0 verify\n");
        assertThat(p.inbound().lookup(InetAddress.getByName("192.0.2.1")).level()).isEqualTo(TlsLevel.ENCRYPT);
        assertThat(p.inbound().lookup(InetAddress.getByName("::1")).level()).isEqualTo(TlsLevel.VERIFY);
    }

    @Test
    void errorsNameLineAndProblem() {
        assertError("[outbound]\nexample.com sometimes\n", 2, "unknown level 'sometimes'");
        assertError("example.com may\n", 1, "entry before any");
        assertError("[outbound]\n\n# c\nexample.com may\nEXAMPLE.com verify\n", 5, "duplicate entry 'EXAMPLE.com' (first on line 4)");
        assertError("[inbound]\n10.0.0.0/33 encrypt\n", 2, "invalid prefix length");
        assertError("[inbound]\n10.0.0.300 encrypt\n", 2, "invalid IP address");
        assertError("[outbound]\n10.0.0.1 encrypt\n", 2, "not allowed in [outbound]");
        assertError("[outbound]\nexa_mple..com may\n", 2, "invalid domain");
        assertError("[outbound]\n@example.com may\n", 2, "invalid email address");
        assertError("[sideways]\n", 1, "unknown section");
        assertError("[outbound]\ndefault may\ndefault verify\n", 3, "second default entry (first on line 2)");
        assertError("[outbound]\nexample.com may extra\n", 2, "expected 'SUBJECT LEVEL'");
    }

    private static void assertError(String text, int line, String problem) {
        assertThatThrownBy(() -> PolicyParser.parse(text, "/etc/mailsec/tls.policy"))
                .isInstanceOf(PolicyParseException.class)
                .hasMessageStartingWith("/etc/mailsec/tls.policy:" + line + ": ")
                .hasMessageContaining(problem);
    }
}

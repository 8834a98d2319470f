package io.mailsec.tls.mtasts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.junit.jupiter.api.Test;

/** RFC 8461 §3.2 policy bodies. */
class StsPolicyParserTest {
    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

    private static MtaStsPolicy parse(String text) throws StsFetchException {
        return StsPolicyParser.parse("example.com", "id1", text, AT);
    }

    private static void invalid(String text, String detail) {
        assertThatThrownBy(() -> parse(text)).isInstanceOfSatisfying(StsFetchException.class, e -> {
            assertThat(e.failure().type()).isEqualTo(StsFailureType.POLICY_INVALID);
            assertThat(e.failure().detail()).contains(detail);
        });
    }

    @Test
    void crlfAndLfLineEndsUnknownKeysAndWhitespace() throws Exception {
        MtaStsPolicy crlf = parse("version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\nmax_age: 604800\r\n");
        MtaStsPolicy lf = parse("version:STSv1\nmode:\tenforce  \nfuture_key: anything: at all\nmx: MAIL.example.com.\nmx: *.example.net\nmax_age: 604800");
        for (MtaStsPolicy p : new MtaStsPolicy[] {crlf, lf}) {
            assertThat(p.mode()).isEqualTo(StsMode.ENFORCE);
            assertThat(p.mxPatterns()).containsExactly("mail.example.com", "*.example.net");
            assertThat(p.maxAgeSeconds()).isEqualTo(604800);
            assertThat(p.id()).isEqualTo("id1");
            assertThat(p.fetchedAt()).isEqualTo(AT);
            assertThat(p.expiresAt()).isEqualTo(AT.plusSeconds(604800));
        }
    }

    @Test
    void firstOfARepeatedKeyCountsExceptMx() throws Exception {
        MtaStsPolicy p = parse("version: STSv1\nmode: testing\nmode: enforce\nmax_age: 60\nmax_age: 999\nmx: a.example.com\nmx: b.example.com\n");
        assertThat(p.mode()).isEqualTo(StsMode.TESTING);
        assertThat(p.maxAgeSeconds()).isEqualTo(60);
        assertThat(p.mxPatterns()).containsExactly("a.example.com", "b.example.com");
    }

    @Test
    void maxAgeIsCappedAtTheRfcMaximum() throws Exception {
        assertThat(parse("version: STSv1\nmode: none\nmax_age: 9999999999\n").maxAgeSeconds()).isEqualTo(31557600);
        assertThat(parse("version: STSv1\nmode: none\nmax_age: 0\n").isExpiredAt(AT)).as("max_age 0: never usable from the cache").isTrue();
        invalid("version: STSv1\nmode: none\nmax_age: 12345678901\n", "1 to 10 digits");
        invalid("version: STSv1\nmode: none\nmax_age: -1\n", "1 to 10 digits");
        invalid("version: STSv1\nmode: none\nmax_age: 1d\n", "1 to 10 digits");
    }

    @Test
    void modeNoneNeedsNoMxTheOthersDo() throws Exception {
        assertThat(parse("version: STSv1\nmode: none\nmax_age: 86400\n").mxPatterns()).isEmpty();
        invalid("version: STSv1\nmode: enforce\nmax_age: 86400\n", "no 'mx' line (required for mode enforce)");
        invalid("version: STSv1\nmode: testing\nmax_age: 86400\n", "required for mode testing");
    }

    @Test
    void malformedPolicies() {
        invalid("mode: enforce\nmx: a.example.com\nmax_age: 1\n", "no 'version: STSv1' line");
        invalid("version: STSv2\nmode: enforce\nmx: a.example.com\nmax_age: 1\n", "version 'STSv2' is not STSv1");
        invalid("version: STSv1\nmx: a.example.com\nmax_age: 1\n", "no 'mode' line");
        invalid("version: STSv1\nmode: Enforce\nmx: a.example.com\nmax_age: 1\n", "mode 'Enforce' is not enforce, testing or none");
        invalid("version: STSv1\nmode: enforce\nmx: a.example.com\n", "no 'max_age' line");
        invalid("version: STSv1\nmode: enforce\nmx: a.example.com\nmax_age: 1\n<html>\n", "line 5 is not 'key: value'");
        invalid("version: STSv1\nmode: enforce\nmx: a..example.com\nmax_age: 1\n", "line 3: mx 'a..example.com' is not a host name");
        invalid("version: STSv1\nmode: enforce\nmx: *.*.example.com\nmax_age: 1\n", "line 3: mx");
        invalid("version: STSv1\nmode: enforce\nmx: mail*.example.com\nmax_age: 1\n", "line 3: mx");
        invalid("", "no 'version: STSv1' line");
    }
}

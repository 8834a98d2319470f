package io.mailsec.tls.mtasts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** RFC 8461 §4.1 MX host matching. */
class MxPatternTest {
    @Test
    void exactNamesIgnoreCaseAndTrailingDot() {
        MxPattern p = MxPattern.parse("Mail.Example.COM.");
        assertThat(p.toString()).isEqualTo("mail.example.com");
        assertThat(p.matches("mail.example.com")).isTrue();
        assertThat(p.matches("MAIL.EXAMPLE.COM.")).isTrue();
        assertThat(p.matches("mail.example.com.evil")).isFalse();
        assertThat(p.matches("x.mail.example.com")).isFalse();
        assertThat(p.matches(null)).isFalse();
    }

    @Test
    void wildcardIsExactlyOneLeftMostLabel() {
        MxPattern p = MxPattern.parse("*.example.com");
        assertThat(p.matches("mx1.example.com")).isTrue();
        assertThat(p.matches("MX1.Example.Com.")).isTrue();
        assertThat(p.matches("example.com")).isFalse();
        assertThat(p.matches("a.b.example.com")).isFalse();
        assertThat(p.matches(".example.com")).isFalse();
        assertThat(p.matches("mx1.example.org")).isFalse();
    }

    @Test
    void onlyHostNamesAndStarDotDomain() {
        for (String bad : new String[] {"", "*", "*.", "*example.com", "mx*.example.com", "a.*.example.com", "-a.example.com", "a_b.example.com",
                "a..b", "192.0.2.1:25"}) {
            assertThatThrownBy(() -> MxPattern.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(MxPattern.parse("*.a").toString()).isEqualTo("*.a");
    }
}

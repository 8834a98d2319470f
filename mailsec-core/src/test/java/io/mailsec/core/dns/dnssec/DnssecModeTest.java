package io.mailsec.core.dns.dnssec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DnssecModeTest {
    @Test
    void parsesTheThreeParameterValues() {
        assertThat(DnssecMode.parse("validate")).isEqualTo(DnssecMode.VALIDATE);
        assertThat(DnssecMode.parse(" Trust-AD ")).isEqualTo(DnssecMode.TRUST_AD);
        assertThat(DnssecMode.parse("off")).isEqualTo(DnssecMode.OFF);
        assertThat(DnssecMode.TRUST_AD).hasToString("trust-ad");
    }

    @Test
    void anythingElseListsThem() {
        assertThatThrownBy(() -> DnssecMode.parse("dane")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'dane'").hasMessageContaining("validate, trust-ad or off");
        assertThatThrownBy(() -> DnssecMode.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyBogusAndIndeterminateAreFailures() {
        assertThat(DnssecStatus.SECURE.isFailure()).isFalse();
        assertThat(DnssecStatus.INSECURE.isFailure()).isFalse();
        assertThat(DnssecStatus.BOGUS.isFailure()).isTrue();
        assertThat(DnssecStatus.INDETERMINATE.isFailure()).isTrue();
    }
}

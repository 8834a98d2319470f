package io.mailsec.tls.mtasts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.mailsec.tls.policy.PolicyParseException;

/** The administrator's override list: "domain reason" lines. */
class StsOverridesTest {
    @Test
    void domainsWithReasonsCommentsAndBlankLines() throws Exception {
        StsOverrides o = StsOverrides.parse("overrides", List.of(
                "# partners whose MTA-STS policy is broken",
                "",
                "Partner.Example.   policy lists mx1, MX is mx2   # ticket 4711",
                "other.example\tlost their certificate"));
        assertThat(o.reason("partner.example")).hasValue("policy lists mx1, MX is mx2");
        assertThat(o.reason("PARTNER.example.")).hasValue("policy lists mx1, MX is mx2");
        assertThat(o.reason("other.example")).hasValue("lost their certificate");
        assertThat(o.reason("sub.partner.example")).as("exact domain only").isEmpty();
        assertThat(o.entries()).containsOnlyKeys("partner.example", "other.example");
        assertThat(StsOverrides.none().reason("partner.example")).isEmpty();
    }

    @Test
    void badLinesNameFileAndLine() {
        assertThatThrownBy(() -> StsOverrides.parse("f", List.of("ok.example reason", "lonely.example")))
                .isInstanceOfSatisfying(PolicyParseException.class, e -> {
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.getMessage()).isEqualTo("f:2: no reason after lonely.example (write 'domain reason')");
                });
        assertThatThrownBy(() -> StsOverrides.parse("f", List.of("not_a_domain! reason"))).hasMessage("f:1: 'not_a_domain!' is not a domain name");
        assertThatThrownBy(() -> StsOverrides.parse("f", List.of("a.example one", "A.example. two"))).hasMessage("f:2: duplicate domain a.example");
    }
}

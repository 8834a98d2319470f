package io.mailsec.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import javax.mail.MessagingException;

import org.junit.jupiter.api.Test;

import io.mailsec.core.dns.dnssec.DnssecMode;
import io.mailsec.core.dns.dnssec.DnssecResolver;
import io.mailsec.core.runtime.MailsecRuntime;

class DnssecParametersTest {
    private final MailsecRuntime runtime = new MailsecRuntime(List.of("127.0.0.1"));

    private static Parameters<MessagingException> params(Map<String, String> values) throws MessagingException {
        return Parameters.of("TestStage", values);
    }

    private static String resource(String name) throws Exception {
        return Path.of(DnssecParametersTest.class.getResource("/dnssec/" + name).toURI()).toString();
    }

    @Test
    void offByDefault() throws Exception {
        assertThat(DnssecParameters.resolver(params(Map.of()), runtime).mode()).isEqualTo(DnssecMode.OFF);
    }

    @Test
    void validateNeedsTheTrustAnchorAndStagesShareOneResolver() throws Exception {
        assertThatThrownBy(() -> DnssecParameters.resolver(params(Map.of("dnssec", "validate")), runtime))
                .isInstanceOf(MessagingException.class).hasMessageContaining("dnssecTrustAnchor")
                .hasMessageContaining("/usr/share/dns/root.ds");
        Map<String, String> v = Map.of("dnssec", "Validate", "dnssecTrustAnchor", resource("iana-root.ds"), "dnsTimeout", "3s");
        DnssecResolver r = DnssecParameters.resolver(params(v), runtime);
        assertThat(r.mode()).isEqualTo(DnssecMode.VALIDATE);
        assertThat(DnssecParameters.resolver(params(v), runtime)).isSameAs(r);
        DnssecResolver ad = DnssecParameters.resolver(params(Map.of("dnssec", "trust-ad")), runtime);
        assertThat(ad).isNotSameAs(r);
        assertThat(ad.mode()).isEqualTo(DnssecMode.TRUST_AD);
    }

    @Test
    void badValuesNameTheParameter() throws Exception {
        assertThatThrownBy(() -> DnssecParameters.resolver(params(Map.of("dnssec", "on")), runtime))
                .isInstanceOf(MessagingException.class).hasMessageContaining("invalid parameter dnssec='on'")
                .hasMessageContaining("validate, trust-ad, off");
        assertThatThrownBy(() -> DnssecParameters.resolver(params(Map.of("dnssec", "validate", "dnssecTrustAnchor",
                "no/such/root.ds")), runtime)).isInstanceOf(MessagingException.class)
                .hasMessageContaining("invalid parameter dnssecTrustAnchor");
        assertThatThrownBy(() -> DnssecParameters.resolver(params(Map.of("dnssec", "validate", "dnssecTrustAnchor",
                resource("no-anchor.zone"))), runtime)).isInstanceOf(MessagingException.class)
                .hasMessageContaining("invalid parameter dnssecTrustAnchor").hasMessageContaining("no DS or DNSKEY");
    }
}

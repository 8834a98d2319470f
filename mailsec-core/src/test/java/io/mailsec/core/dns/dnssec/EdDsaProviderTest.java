package io.mailsec.core.dns.dnssec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.Provider;
import java.security.Security;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Ed25519 zones on a JRE without EdDSA, as the James 3.8.1 image's Java 11: without a provider
 * dnsjava would call them INSECURE (no DANE, silently); with Bouncy Castle registered by
 * {@link EdDsaProvider} they validate SECURE.
 */
class EdDsaProviderTest {
    private static DnssecTestbed dns;

    @BeforeAll
    static void start() throws Exception {
        dns = DnssecTestbed.start();
    }

    @AfterAll
    static void stop() {
        if (dns != null) {
            dns.close();
        }
    }

    @Test
    void nothingIsRegisteredWhenTheJreHasEdDsa() {
        AtomicInteger asked = new AtomicInteger();
        EdDsaProvider.ensure(service -> true, () -> {
            asked.incrementAndGet();
            return null;
        });
        assertThat(asked).hasValue(0);
    }

    @Test
    void withoutEdDsaAndWithoutBouncyCastleTheStartFails() {
        assertThatThrownBy(() -> EdDsaProvider.ensure(service -> false, () -> null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("bcprov").hasMessageContaining("Ed25519");
    }

    /** SunEC removed (Java 11 has no EdDSA in it): validate mode adds Bouncy Castle, and the Ed25519 zone is SECURE. */
    @Test
    void ed25519ValidatesWithBouncyCastleOnAJreWithoutEdDsa() {
        Provider sunEc = Security.getProvider("SunEC");
        int position = List.of(Security.getProviders()).indexOf(sunEc) + 1;
        boolean hadBc = Security.getProvider("BC") != null;
        Security.removeProvider("SunEC");
        try {
            assertThat(Security.getProviders("KeyFactory.Ed25519")).isNull();
            DnssecResolver r = DnssecResolvers.validate(List.of(DnssecTestbed.RECURSIVE), Duration.ofSeconds(3),
                    TrustAnchors.read(dns.trustAnchor()));
            assertThat(Security.getProvider("BC")).isNotNull();
            DnssecResult<TlsaRdata> t = r.tlsa("mx." + DaneTestZones.ED25519);
            assertThat(t.dnssec()).as(t.detail()).isEqualTo(DnssecStatus.SECURE);
            assertThat(t.records()).extracting(TlsaRdata::toString).containsExactly(DaneTestZones.TLSA.get(DaneTestZones.ED25519));
            // the ECDSA chain above it too, now through Bouncy Castle alone
            assertThat(r.a("mx." + DaneTestZones.SECURE).dnssec()).isEqualTo(DnssecStatus.SECURE);
        } finally {
            if (!hadBc) {
                Security.removeProvider("BC");
            }
            Security.insertProviderAt(sunEc, position);
        }
    }

    /** What the provider prevents: dnsjava without Ed25519 support treats the zone as unsigned. */
    @Test
    void withoutEd25519DnsjavaDowngradesTheZoneToInsecure() {
        String key = "dnsjava.dnssec.algorithm.15";
        System.setProperty(key, "false");
        try {
            DnssecResolver r = DnssecResolvers.validate(List.of(DnssecTestbed.RECURSIVE), Duration.ofSeconds(3),
                    TrustAnchors.read(dns.trustAnchor()));
            assertThat(r.tlsa("mx." + DaneTestZones.ED25519).dnssec()).isEqualTo(DnssecStatus.INSECURE);
        } finally {
            System.clearProperty(key);
        }
    }
}

package io.mailsec.tls.dane;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.mailsec.core.dns.dnssec.DaneTestZones;
import io.mailsec.core.dns.dnssec.DnssecMode;
import io.mailsec.core.dns.dnssec.DnssecResolver;
import io.mailsec.core.dns.dnssec.DnssecResolvers;
import io.mailsec.core.dns.dnssec.DnssecResult;
import io.mailsec.core.dns.dnssec.DnssecStatus;
import io.mailsec.core.dns.dnssec.DnssecTestbed;
import io.mailsec.core.dns.dnssec.TlsaRdata;
import io.mailsec.core.dns.dnssec.TrustAnchors;

/**
 * The DNS side of DANE meets the matching side: TLSA RDATA from validated lookups of real signed
 * zones (mailsec-core's DnssecTestbed) is read by {@link TlsaRecordSet#fromWire} into the records
 * that were published, in both DNSSEC modes.
 */
class DaneDnsLookupTest {
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

    private static DnssecResolver resolver(DnssecMode mode) {
        return mode == DnssecMode.VALIDATE
                ? DnssecResolvers.validate(List.of(DnssecTestbed.RECURSIVE), Duration.ofSeconds(3), TrustAnchors.read(dns.trustAnchor()))
                : DnssecResolvers.trustAd(List.of(DnssecTestbed.VALIDATING), Duration.ofSeconds(3));
    }

    private static TlsaRecordSet read(DnssecResult<TlsaRdata> r) {
        return TlsaRecordSet.fromWire(r.records().stream().map(TlsaRdata::wire).collect(Collectors.toList()));
    }

    private static List<TlsaRecord> published(List<String> presentation) throws TlsaParseException {
        List<TlsaRecord> out = new java.util.ArrayList<>();
        for (String p : presentation) {
            out.add(TlsaRecord.parse(p));
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(value = DnssecMode.class, names = {"VALIDATE", "TRUST_AD"})
    void secureTlsaRdataReadsAsThePublishedRecords(DnssecMode mode) throws Exception {
        DnssecResult<TlsaRdata> r = resolver(mode).tlsa("mx." + DaneTestZones.SECURE);
        assertThat(r.dnssec()).as(r.detail()).isEqualTo(DnssecStatus.SECURE);
        TlsaRecordSet set = read(r);
        assertThat(set.unusable()).isEmpty();
        assertThat(set.usable()).containsExactlyInAnyOrderElementsOf(published(DaneTestZones.SECURE_TLSA));
        assertThat(set.usable()).extracting(TlsaRecord::certUsage)
                .containsExactlyInAnyOrder(CertUsage.of(3), CertUsage.of(2));

        DnssecResult<TlsaRdata> ed = resolver(mode).tlsa("mx." + DaneTestZones.ED25519);
        assertThat(ed.dnssec()).isEqualTo(DnssecStatus.SECURE);
        assertThat(read(ed).usable()).containsExactlyElementsOf(published(List.of(DaneTestZones.TLSA.get(DaneTestZones.ED25519))));
    }

    /** The insecure zone's record is readable, but its status says DANE does not apply (RFC 7672 §2.2). */
    @ParameterizedTest
    @EnumSource(value = DnssecMode.class, names = {"VALIDATE", "TRUST_AD"})
    void insecureTlsaIsReadableButNotSecure(DnssecMode mode) throws Exception {
        DnssecResult<TlsaRdata> r = resolver(mode).tlsa("mx." + DaneTestZones.INSECURE);
        assertThat(r.dnssec()).isEqualTo(DnssecStatus.INSECURE);
        assertThat(read(r).usable()).containsExactlyElementsOf(published(List.of(DaneTestZones.TLSA.get(DaneTestZones.INSECURE))));
    }

    /** The attacker's record in the tampered zone never reaches the matcher. */
    @ParameterizedTest
    @EnumSource(value = DnssecMode.class, names = {"VALIDATE", "TRUST_AD"})
    void tamperedTlsaNeverReachesTheMatcher(DnssecMode mode) throws Exception {
        DnssecResult<TlsaRdata> r = resolver(mode).tlsa("mx." + DaneTestZones.TAMPERED);
        assertThat(r.dnssec()).isEqualTo(DnssecStatus.BOGUS);
        assertThat(read(r).isEmpty()).isTrue();
    }
}

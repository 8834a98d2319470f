package io.mailsec.core.dns.dnssec;

import static io.mailsec.core.dns.dnssec.DaneTestZones.BOGUS;
import static io.mailsec.core.dns.dnssec.DaneTestZones.ED25519;
import static io.mailsec.core.dns.dnssec.DaneTestZones.INSECURE;
import static io.mailsec.core.dns.dnssec.DaneTestZones.MX_ADDRESS;
import static io.mailsec.core.dns.dnssec.DaneTestZones.NOTLSA;
import static io.mailsec.core.dns.dnssec.DaneTestZones.NOTLSA_MX2;
import static io.mailsec.core.dns.dnssec.DaneTestZones.SECURE;
import static io.mailsec.core.dns.dnssec.DaneTestZones.TAMPERED;
import static io.mailsec.core.dns.dnssec.DaneTestZones.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.mailsec.core.dns.DnsStatus;
import io.mailsec.core.dns.MxRecord;

/**
 * Every case of RFC 7672 §2.1–2.2 against real signed zones (NSD) and a real resolver (unbound), in
 * both DNSSEC modes: {@code validate} (dnsjava validating through an iterating-only unbound) and
 * {@code trust-ad} (the AD bit of a validating unbound); each status cross-checked with
 * unbound-host and delv.
 */
class DnssecLookupTest {
    private static final Duration TIMEOUT_SETTING = Duration.ofSeconds(2);
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
        switch (mode) {
            case VALIDATE:
                return DnssecResolvers.validate(List.of(DnssecTestbed.RECURSIVE), TIMEOUT_SETTING, TrustAnchors.read(dns.trustAnchor()));
            case TRUST_AD:
                return DnssecResolvers.trustAd(List.of(DnssecTestbed.VALIDATING), TIMEOUT_SETTING);
            default:
                return DnssecResolvers.off(List.of(DnssecTestbed.RECURSIVE), TIMEOUT_SETTING);
        }
    }

    private static List<String> tlsa(DnssecResult<TlsaRdata> r) {
        return r.records().stream().map(TlsaRdata::toString).sorted().collect(Collectors.toList());
    }

    private static byte[] wire(String presentation) {
        String[] f = presentation.split(" ");
        byte[] data = HexFormat.of().parseHex(f[3]);
        byte[] w = new byte[3 + data.length];
        w[0] = (byte) Integer.parseInt(f[0]);
        w[1] = (byte) Integer.parseInt(f[1]);
        w[2] = (byte) Integer.parseInt(f[2]);
        System.arraycopy(data, 0, w, 3, data.length);
        return w;
    }

    @ParameterizedTest
    @EnumSource(value = DnssecMode.class, names = {"VALIDATE", "TRUST_AD"})
    void secureZoneMxAddressesAndTlsaAreSecure(DnssecMode mode) throws Exception {
        DnssecResolver r = resolver(mode);
        DnssecResult<MxRecord> mx = r.mx(SECURE);
        assertThat(mx.dnssec()).as(mx.detail()).isEqualTo(DnssecStatus.SECURE);
        assertThat(mx.records()).extracting(MxRecord::preference, MxRecord::exchange)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(10, "mx." + SECURE));
        assertThat(mx.ttlSeconds()).isPositive().isLessThanOrEqualTo(DaneTestZones.TTL);

        DnssecResult<InetAddress> a = r.a("mx." + SECURE);
        assertThat(a.dnssec()).isEqualTo(DnssecStatus.SECURE);
        assertThat(a.records()).containsExactly(InetAddress.getByName(MX_ADDRESS.get(SECURE)));
        DnssecResult<InetAddress> aaaa = r.aaaa("mx." + SECURE);
        assertThat(aaaa.dnssec()).isEqualTo(DnssecStatus.SECURE);
        assertThat(aaaa.records()).containsExactly(InetAddress.getByName(DaneTestZones.SECURE_MX_V6));
        DnssecResult<InetAddress> both = r.addresses("mx." + SECURE);
        assertThat(both.dnssec()).isEqualTo(DnssecStatus.SECURE);
        assertThat(both.records()).hasSize(2);

        DnssecResult<TlsaRdata> t = r.tlsa("mx." + SECURE);
        assertThat(t.dnssec()).as(t.detail()).isEqualTo(DnssecStatus.SECURE);
        assertThat(t.status()).isEqualTo(DnsStatus.OK);
        assertThat(tlsa(t)).containsExactlyInAnyOrderElementsOf(DaneTestZones.SECURE_TLSA);
        assertThat(t.records()).extracting(TlsaRdata::wire)
                .containsExactlyInAnyOrder(wire(DaneTestZones.SECURE_TLSA.get(0)), wire(DaneTestZones.SECURE_TLSA.get(1)));
        assertThat(t.canonicalName()).isEqualTo("_25._tcp.mx." + SECURE);
    }

    /** RFC 7672 §2.2.2: behind a secure CNAME the records belong to its target, the TLSA base domain. */
    @ParameterizedTest
    @EnumSource(value = DnssecMode.class, names = {"VALIDATE", "TRUST_AD"})
    void secureCnameGivesTheTargetAsCanonicalName(DnssecMode mode) throws Exception {
        DnssecResult<InetAddress> a = resolver(mode).a(DaneTestZones.SECURE_ALIAS);
        assertThat(a.dnssec()).as(a.detail()).isEqualTo(DnssecStatus.SECURE);
        assertThat(a.records()).containsExactly(InetAddress.getByName(MX_ADDRESS.get(SECURE)));
        assertThat(a.canonicalName()).isEqualTo("mx." + SECURE);
    }

    @ParameterizedTest
    @EnumSource(value = DnssecMode.class, names = {"VALIDATE", "TRUST_AD"})
    void ed25519ZoneIsSecure(DnssecMode mode) throws Exception {
        DnssecResolver r = resolver(mode);
        assertThat(r.mx(ED25519).dnssec()).isEqualTo(DnssecStatus.SECURE);
        DnssecResult<InetAddress> a = r.a("mx." + ED25519);
        assertThat(a.dnssec()).as(a.detail()).isEqualTo(DnssecStatus.SECURE);
        assertThat(a.records()).containsExactly(InetAddress.getByName(MX_ADDRESS.get(ED25519)));
        DnssecResult<TlsaRdata> t = r.tlsa("mx." + ED25519);
        assertThat(t.dnssec()).isEqualTo(DnssecStatus.SECURE);
        assertThat(tlsa(t)).containsExactly(DaneTestZones.TLSA.get(ED25519));
    }

    /** RFC 7672 §2.2: an insecure delegation means "no DANE": the records come back, marked INSECURE. */
    @ParameterizedTest
    @EnumSource(value = DnssecMode.class, names = {"VALIDATE", "TRUST_AD"})
    void insecureDelegationGivesRecordsAsInsecure(DnssecMode mode) throws Exception {
        DnssecResolver r = resolver(mode);
        DnssecResult<MxRecord> mx = r.mx(INSECURE);
        assertThat(mx.dnssec()).as(mx.detail()).isEqualTo(DnssecStatus.INSECURE);
        assertThat(mx.records()).extracting(MxRecord::exchange).containsExactly("mx." + INSECURE);
        DnssecResult<InetAddress> a = r.a("mx." + INSECURE);
        assertThat(a.dnssec()).isEqualTo(DnssecStatus.INSECURE);
        assertThat(a.records()).containsExactly(InetAddress.getByName(MX_ADDRESS.get(INSECURE)));
        DnssecResult<TlsaRdata> t = r.tlsa("mx." + INSECURE);
        assertThat(t.dnssec()).isEqualTo(DnssecStatus.INSECURE);
        assertThat(t.dnssec().isFailure()).isFalse();
        assertThat(tlsa(t)).containsExactly(DaneTestZones.TLSA.get(INSECURE));
    }

    /** Expired signatures: BOGUS for every type, never a record (and never SECURE). */
    @ParameterizedTest
    @EnumSource(value = DnssecMode.class, names = {"VALIDATE", "TRUST_AD"})
    void expiredSignaturesAreBogusWithoutRecords(DnssecMode mode) throws Exception {
        DnssecResolver r = resolver(mode);
        for (DnssecResult<?> res : List.of(r.mx(BOGUS), r.a("mx." + BOGUS), r.aaaa("mx." + BOGUS), r.tlsa("mx." + BOGUS))) {
            assertThat(res.dnssec()).as(res.detail()).isEqualTo(DnssecStatus.BOGUS);
            assertThat(res.records()).isEmpty();
            assertThat(res.status()).isEqualTo(DnsStatus.SERVFAIL);
            // unbound names the cause in an extended error; dnsjava only says the chain of trust broke
            assertThat(res.detail()).contains(mode == DnssecMode.TRUST_AD ? "EDE 7 (SIGNATURE_EXPIRED)" : "chain of trust");
        }
    }

    /** RFC 7672 §2.2: a TLSA RRset whose signature does not hold makes the host unusable, while its MX and A are fine. */
    @ParameterizedTest
    @EnumSource(value = DnssecMode.class, names = {"VALIDATE", "TRUST_AD"})
    void tamperedTlsaIsBogusWhileMxAndAddressStaySecure(DnssecMode mode) throws Exception {
        DnssecResolver r = resolver(mode);
        assertThat(r.mx(TAMPERED).dnssec()).isEqualTo(DnssecStatus.SECURE);
        assertThat(r.a("mx." + TAMPERED).dnssec()).isEqualTo(DnssecStatus.SECURE);
        DnssecResult<TlsaRdata> t = r.tlsa("mx." + TAMPERED);
        assertThat(t.dnssec()).as(t.detail()).isEqualTo(DnssecStatus.BOGUS);
        assertThat(t.records()).isEmpty();
    }

    /** RFC 7672 §2.2: a secure denial (NSEC3 here) means "no TLSA records", a secure answer, not a failure. */
    @ParameterizedTest
    @EnumSource(value = DnssecMode.class, names = {"VALIDATE", "TRUST_AD"})
    void secureDenialOfTlsaIsSecureNxdomainOrNodata(DnssecMode mode) throws Exception {
        DnssecResolver r = resolver(mode);
        DnssecResult<MxRecord> mx = r.mx(NOTLSA);
        assertThat(mx.dnssec()).isEqualTo(DnssecStatus.SECURE);
        assertThat(mx.records()).extracting(MxRecord::exchange).containsExactlyInAnyOrder("mx." + NOTLSA, NOTLSA_MX2);
        assertThat(r.a("mx." + NOTLSA).dnssec()).isEqualTo(DnssecStatus.SECURE);

        DnssecResult<TlsaRdata> none = r.tlsa("mx." + NOTLSA);
        assertThat(none.dnssec()).as(none.detail()).isEqualTo(DnssecStatus.SECURE);
        assertThat(none.status()).isEqualTo(DnsStatus.NXDOMAIN);
        assertThat(none.records()).isEmpty();
        assertThat(none.ttlSeconds()).isPositive();

        DnssecResult<TlsaRdata> nodata = r.tlsa(NOTLSA_MX2);
        assertThat(nodata.dnssec()).as(nodata.detail()).isEqualTo(DnssecStatus.SECURE);
        assertThat(nodata.status()).isEqualTo(DnsStatus.NODATA);
    }

    /** RFC 7672 §2.2: a TLSA lookup in a secure zone that fails (its authority never answers) is a failure, within the timeout. */
    @ParameterizedTest
    @EnumSource(value = DnssecMode.class, names = {"VALIDATE", "TRUST_AD"})
    void tlsaLookupThatTimesOutIsIndeterminateWithinTheTimeout(DnssecMode mode) throws Exception {
        DnssecResolver r = resolver(mode);
        assertThat(r.mx(TIMEOUT).dnssec()).isEqualTo(DnssecStatus.SECURE);
        assertThat(r.a("mx." + TIMEOUT).dnssec()).isEqualTo(DnssecStatus.SECURE);
        long t0 = System.nanoTime();
        DnssecResult<TlsaRdata> t = r.tlsa("mx." + TIMEOUT);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(t.dnssec()).as(t.detail()).isEqualTo(DnssecStatus.INDETERMINATE);
        assertThat(t.dnssec().isFailure()).isTrue();
        assertThat(t.status().isTemporary()).isTrue();
        assertThat(t.records()).isEmpty();
        assertThat(ms).isLessThan(TIMEOUT_SETTING.toMillis() + 500);
    }

    /** A configured server where nothing answers: TIMEOUT, in the configured time, in every mode. */
    @ParameterizedTest
    @EnumSource(DnssecMode.class)
    void silentServerTimesOutWithinTheTimeout(DnssecMode mode) throws Exception {
        Duration timeout = Duration.ofMillis(700);
        DnssecResolver r = mode == DnssecMode.VALIDATE
                ? DnssecResolvers.validate(List.of(DaneTestZones.BLACK_HOLE), timeout, TrustAnchors.read(dns.trustAnchor()))
                : mode == DnssecMode.TRUST_AD ? DnssecResolvers.trustAd(List.of(DaneTestZones.BLACK_HOLE), timeout)
                : DnssecResolvers.off(List.of(DaneTestZones.BLACK_HOLE), timeout);
        long t0 = System.nanoTime();
        DnssecResult<TlsaRdata> t = r.tlsa("mx." + SECURE);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(t.dnssec()).isEqualTo(DnssecStatus.INDETERMINATE);
        assertThat(t.status()).isEqualTo(DnsStatus.TIMEOUT);
        assertThat(t.detail()).contains("timeout").contains(DaneTestZones.BLACK_HOLE);
        assertThat(ms).isBetween(timeout.toMillis() - 50, timeout.toMillis() + 500);
    }

    /**
     * validate mode through the validating unbound: its queries carry CD, so unbound hands over the
     * expired data and dnsjava itself finds it BOGUS (trust-ad can only read unbound's SERVFAIL).
     */
    @Test
    void validateThroughAValidatingResolverStillJudgesItself() {
        DnssecResolver r = DnssecResolvers.validate(List.of(DnssecTestbed.VALIDATING), TIMEOUT_SETTING,
                TrustAnchors.read(dns.trustAnchor()));
        DnssecResult<InetAddress> bogus = r.a("mx." + BOGUS);
        assertThat(bogus.dnssec()).isEqualTo(DnssecStatus.BOGUS);
        assertThat(bogus.detail()).doesNotContain("unbound").doesNotContain("answered SERVFAIL");
        assertThat(r.a("mx." + SECURE).dnssec()).isEqualTo(DnssecStatus.SECURE);
        assertThat(r.a("mx." + INSECURE).dnssec()).isEqualTo(DnssecStatus.INSECURE);
    }

    /** The anchor may be given as the root's DNSKEY instead of its DS. */
    @Test
    void dnskeyTrustAnchorWorksToo() {
        DnssecResolver r = DnssecResolvers.validate(List.of(DnssecTestbed.RECURSIVE), TIMEOUT_SETTING,
                TrustAnchors.read(dns.zones().trustAnchorDnskey()));
        assertThat(r.tlsa("mx." + SECURE).dnssec()).isEqualTo(DnssecStatus.SECURE);
    }

    /** An anchor that is not the root's key: nothing validates, and nothing is SECURE or passes as INSECURE. */
    @Test
    void wrongTrustAnchorMakesSignedZonesBogusNeverSecure() throws Exception {
        java.nio.file.Path other = dns.zones().dir().resolve("other-root.ds");
        String[] ds = dns.zones().rootDs().split("\\s+");
        java.nio.file.Files.writeString(other, ". IN DS " + ((Integer.parseInt(ds[3]) + 1) % 65536) + " 13 2 "
                + DaneTestZones.digest("SHA-256", "not the root") + "\n");
        DnssecResolver r = DnssecResolvers.validate(List.of(DnssecTestbed.RECURSIVE), TIMEOUT_SETTING, TrustAnchors.read(other));
        for (DnssecResult<?> res : List.of(r.mx(SECURE), r.tlsa("mx." + SECURE), r.a("mx." + ED25519))) {
            assertThat(res.dnssec()).as(res.detail()).isEqualTo(DnssecStatus.BOGUS);
            assertThat(res.records()).isEmpty();
        }
    }

    /** off: no DNSSEC at all; even the expired zone's records come back, INSECURE, so DANE never applies. */
    @Test
    void offModeMarksEverythingInsecure() throws Exception {
        DnssecResolver r = resolver(DnssecMode.OFF);
        assertThat(r.mode()).isEqualTo(DnssecMode.OFF);
        DnssecResult<TlsaRdata> t = r.tlsa("mx." + SECURE);
        assertThat(t.dnssec()).isEqualTo(DnssecStatus.INSECURE);
        assertThat(tlsa(t)).containsExactlyInAnyOrderElementsOf(DaneTestZones.SECURE_TLSA);
        DnssecResult<InetAddress> bogus = r.a("mx." + BOGUS);
        assertThat(bogus.dnssec()).isEqualTo(DnssecStatus.INSECURE);
        assertThat(bogus.records()).containsExactly(InetAddress.getByName(MX_ADDRESS.get(BOGUS)));
    }

    /** Each zone's answers get the status unbound-host (libunbound) and delv (BIND) give them, in both modes. */
    @Test
    void statusesAgreeWithUnboundHostAndDelv() throws Exception {
        DnssecResolver validate = resolver(DnssecMode.VALIDATE);
        DnssecResolver trustAd = resolver(DnssecMode.TRUST_AD);
        Object[][] cases = {
            {SECURE, "MX"}, {"mx." + SECURE, "A"}, {"mx." + SECURE, "AAAA"}, {"_25._tcp.mx." + SECURE, "TLSA"},
            {ED25519, "MX"}, {"mx." + ED25519, "A"}, {"_25._tcp.mx." + ED25519, "TLSA"},
            {INSECURE, "MX"}, {"mx." + INSECURE, "A"}, {"_25._tcp.mx." + INSECURE, "TLSA"},
            {BOGUS, "MX"}, {"mx." + BOGUS, "A"}, {"_25._tcp.mx." + BOGUS, "TLSA"},
            {TAMPERED, "MX"}, {"_25._tcp.mx." + TAMPERED, "TLSA"},
            {NOTLSA, "MX"}, {"_25._tcp.mx." + NOTLSA, "TLSA"}, {"_25._tcp." + NOTLSA_MX2, "TLSA"},
        };
        DnssecCrossCheck check = dns.crossCheck();
        for (Object[] c : cases) {
            String name = (String) c[0];
            String type = (String) c[1];
            DnssecCrossCheck.Verdict ub = check.unboundHost(name, type);
            DnssecCrossCheck.Verdict delv = check.delv(name, type);
            for (DnssecResolver r : List.of(validate, trustAd)) {
                DnssecStatus ours = lookup(r, name, type).dnssec();
                assertThat(ours).as(r.mode() + " " + type + " " + name + ": unbound-host says " + ub).isEqualTo(ub.status);
                assertThat(ours).as(r.mode() + " " + type + " " + name + ": delv says " + delv).isEqualTo(delv.status);
            }
        }
    }

    private static DnssecResult<?> lookup(DnssecResolver r, String name, String type) {
        switch (type) {
            case "MX":
                return r.mx(name);
            case "A":
                return r.a(name);
            case "AAAA":
                return r.aaaa(name);
            default:
                String host = name.substring("_25._tcp.".length());
                return r.tlsa(host);
        }
    }
}

package io.mailsec.tls.dane;

import static io.mailsec.tls.dane.DaneTestPki.NOW;
import static io.mailsec.tls.dane.DaneTestPki.tlsa;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.mailsec.tls.dane.DaneTestPki.Issued;

/**
 * The SMTP DANE rules of RFC 7672 §3.1 and §3.2 on chains made here (root -> intermediate -> server),
 * beyond what OpenSSL's suite covers: dates, wildcard and CNAME names, broken chains, chain order,
 * digest agility, and the TLS-RPT result types.
 */
class DaneMatcherTest {
    private static final Instant YESTERDAY = NOW.minus(Duration.ofDays(1));
    private static final Instant IN_A_MONTH = NOW.plus(Duration.ofDays(30));
    private static final Instant LAST_MONTH = NOW.minus(Duration.ofDays(30));
    private static DaneTestPki pki;
    private static Issued mx;
    private static List<X509Certificate> chain;
    private final DaneMatcher matcher = new DaneMatcher();

    @BeforeAll
    static void certificates() throws Exception {
        pki = new DaneTestPki("Matcher");
        mx = pki.server("mx.example.net", "mx.example.net");
        chain = List.of(mx.cert, pki.intermediate.cert);
    }

    private DaneVerdict match(List<X509Certificate> c, String... recordsThenNames) {
        return match(c, List.of(recordsThenNames), List.of("mx.example.net"));
    }

    private DaneVerdict match(List<X509Certificate> c, List<String> records, List<String> names) {
        return matcher.match(c, TlsaRecordSet.parse(records), ReferenceNames.of(names));
    }

    @Test
    void daneEeMatchesTheServerCertificateOrKeyWithEveryMatchingType() throws Exception {
        for (int selector = 0; selector <= 1; selector++) {
            for (int mtype = 0; mtype <= 2; mtype++) {
                DaneVerdict v = match(chain, tlsa(3, selector, mtype, mx.cert));
                assertThat(v.outcome()).as("3 %d %d", selector, mtype).isEqualTo(DaneVerdict.Outcome.AUTHENTICATED);
                assertThat(v.depth()).isZero();
                assertThat(v.tlsRptResultType()).isEmpty();
            }
        }
    }

    @Test
    void daneEeIgnoresNamesDatesAndTheRestOfTheChain() throws Exception {
        // RFC 7672 §3.1.1: an expired, wrongly named, self-signed-looking server certificate is fine
        Issued expired = DaneTestPki.server(pki.intermediate, "elsewhere.example", LAST_MONTH, YESTERDAY, "elsewhere.example");
        DaneVerdict v = match(List.of(expired.cert), tlsa(3, 1, 1, expired.cert));
        assertThat(v.authenticated()).isTrue();
        assertThat(v.reason()).contains("DANE-EE SPKI SHA2-256 record 3 1 1 ").contains("names and dates are not checked");
    }

    @Test
    void daneEeDoesNotMatchAnIssuer() throws Exception {
        DaneVerdict v = match(chain, tlsa(3, 1, 1, pki.intermediate.cert));
        assertThat(v.outcome()).isEqualTo(DaneVerdict.Outcome.NOT_AUTHENTICATED);
        assertThat(v.results()).extracting(RecordResult::status).containsExactly(RecordStatus.NO_MATCH);
        assertThat(v.tlsRptResultType()).contains("validation-failure");
    }

    @Test
    void daneTaMatchesAnIssuerTheServerSentAndChecksTheName() throws Exception {
        assertThat(match(chain, tlsa(2, 0, 1, pki.intermediate.cert)).depth()).isEqualTo(1);
        assertThat(match(List.of(mx.cert, pki.intermediate.cert, pki.root.cert), tlsa(2, 1, 2, pki.root.cert)).depth()).isEqualTo(2);
        DaneVerdict wrongName = match(chain, List.of(tlsa(2, 0, 1, pki.intermediate.cert)), List.of("mx.example.org"));
        assertThat(wrongName.outcome()).isEqualTo(DaneVerdict.Outcome.NOT_AUTHENTICATED);
        assertThat(wrongName.results().get(0).status()).isEqualTo(RecordStatus.NAME_MISMATCH);
        assertThat(wrongName.results().get(0).detail()).contains("[mx.example.net], none of [mx.example.org]");
        assertThat(wrongName.tlsRptResultType()).contains("certificate-host-mismatch");
    }

    @Test
    void daneTaNeverMatchesTheServerCertificateItself() throws Exception {
        DaneVerdict v = match(chain, tlsa(2, 0, 1, mx.cert));
        assertThat(v.results().get(0).status()).isEqualTo(RecordStatus.NO_MATCH);
    }

    @Test
    void aTrustAnchorTheServerDoesNotSendComesFromFullRecordData() throws Exception {
        // RFC 7671 §5.2.2: the root's certificate, or its bare key, in a Full(0) record
        DaneVerdict cert = match(chain, tlsa(2, 0, 0, pki.root.cert));
        assertThat(cert.authenticated()).isTrue();
        assertThat(cert.depth()).isEqualTo(2);
        DaneVerdict key = match(chain, tlsa(2, 1, 0, pki.root.cert));
        assertThat(key.authenticated()).isTrue();
        assertThat(key.depth()).as("a bare key counts at the certificate it signed").isEqualTo(1);
        assertThat(key.matched().orElseThrow().detail()).contains("public key from the record, which signed CN=Matcher Intermediate");
        // a digest of a certificate that was not sent cannot be found
        assertThat(match(chain, tlsa(2, 0, 1, pki.root.cert)).results().get(0).status()).isEqualTo(RecordStatus.NO_MATCH);
    }

    @Test
    void theServerMaySendItsChainInAnyOrder() throws Exception {
        DaneVerdict v = match(List.of(mx.cert, pki.root.cert, pki.intermediate.cert), tlsa(2, 0, 1, pki.root.cert));
        assertThat(v.authenticated()).isTrue();
        assertThat(v.depth()).isEqualTo(2);
    }

    @Test
    void referenceNamesFollowRfc7672Section323() throws Exception {
        Issued wildcard = pki.server("wild", "*.example.net");
        String ta = tlsa(2, 1, 1, pki.intermediate.cert);
        List<X509Certificate> c = List.of(wildcard.cert, pki.intermediate.cert);
        assertThat(match(c, List.of(ta), List.of("MX.Example.NET.")).authenticated()).as("one label, any case, trailing dot").isTrue();
        assertThat(match(c, List.of(ta), List.of("a.mx.example.net")).authenticated()).as("two labels").isFalse();
        assertThat(match(c, List.of(ta), List.of("example.net")).authenticated()).as("no label").isFalse();
        // the MX host's CNAME target (RFC 7672 §3.2.2) is a reference name as well
        assertThat(match(List.of(mx.cert, pki.intermediate.cert), List.of(ta), List.of("smtp.example.com", "mx.example.net")).authenticated()).isTrue();

        Issued partial = pki.server("partial", "m*.example.net");
        assertThat(match(List.of(partial.cert, pki.intermediate.cert), List.of(ta), List.of("mx.example.net")).authenticated())
                .as("no partial-label wildcards").isFalse();
        Issued tooWide = pki.server("wide", "*.net");
        assertThat(match(List.of(tooWide.cert, pki.intermediate.cert), List.of(ta), List.of("example.net")).authenticated())
                .as("a wildcard needs two labels after it").isFalse();
        Issued cnOnly = pki.server("mx.example.net");
        assertThat(match(List.of(cnOnly.cert, pki.intermediate.cert), List.of(ta), List.of("mx.example.net")).authenticated())
                .as("CN counts without dNSNames").isTrue();
        Issued cnAndSan = pki.server("mx.example.net", "other.example.net");
        assertThat(match(List.of(cnAndSan.cert, pki.intermediate.cert), List.of(ta), List.of("mx.example.net")).authenticated())
                .as("CN is ignored once there is a dNSName").isFalse();
    }

    @Test
    void daneTaChecksValidityDatesOnThePathAndTheAnchor() throws Exception {
        String ta = tlsa(2, 0, 1, pki.intermediate.cert);
        Issued expiredLeaf = DaneTestPki.server(pki.intermediate, "mx.example.net", LAST_MONTH, YESTERDAY, "mx.example.net");
        DaneVerdict leaf = match(List.of(expiredLeaf.cert, pki.intermediate.cert), ta);
        assertThat(leaf.results().get(0).status()).isEqualTo(RecordStatus.EXPIRED);
        assertThat(leaf.tlsRptResultType()).contains("certificate-expired");

        Issued notYet = DaneTestPki.server(pki.intermediate, "mx.example.net", IN_A_MONTH, IN_A_MONTH.plus(Duration.ofDays(1)), "mx.example.net");
        assertThat(match(List.of(notYet.cert, pki.intermediate.cert), ta).results().get(0).status()).isEqualTo(RecordStatus.EXPIRED);

        // an expired anchor certificate fails too (as in OpenSSL), a bare key has no dates
        Issued oldCa = DaneTestPki.ca("CN=Old CA", pki.root, LAST_MONTH, YESTERDAY, true);
        Issued underOld = DaneTestPki.server(oldCa, "mx.example.net", YESTERDAY, IN_A_MONTH, "mx.example.net");
        List<X509Certificate> viaOld = List.of(underOld.cert, oldCa.cert);
        assertThat(match(viaOld, tlsa(2, 0, 1, oldCa.cert)).results().get(0).status()).isEqualTo(RecordStatus.EXPIRED);
        assertThat(match(viaOld, tlsa(2, 0, 1, oldCa.cert)).results().get(0).detail()).contains("trust anchor CN=Old CA is valid from");
        assertThat(match(List.of(underOld.cert), tlsa(2, 1, 0, oldCa.cert)).authenticated()).isTrue();
        // the expired intermediate sits on the path to the root
        assertThat(match(List.of(underOld.cert, oldCa.cert, pki.root.cert), tlsa(2, 0, 1, pki.root.cert)).results().get(0).status())
                .isEqualTo(RecordStatus.EXPIRED);
    }

    @Test
    void aPathThatDoesNotVerifyIsNotAuthenticated() throws Exception {
        String ta = tlsa(2, 1, 1, pki.intermediate.cert);
        // claims the intermediate as issuer, signed by another key
        Issued forged = DaneTestPki.server(pki.intermediate.cert.getSubjectX500Principal().getName(), DaneTestPki.ecKey().getPrivate(),
                "mx.example.net", YESTERDAY, IN_A_MONTH, "mx.example.net");
        DaneVerdict v = match(List.of(forged.cert, pki.intermediate.cert), ta);
        assertThat(v.results().get(0).status()).isEqualTo(RecordStatus.CHAIN_INVALID);
        assertThat(v.tlsRptResultType()).contains("validation-failure");

        // an issuer that is no CA cannot issue (RFC 5280 §4.2.1.9)
        Issued notCa = DaneTestPki.ca("CN=Not a CA", pki.root, YESTERDAY, IN_A_MONTH, false);
        Issued underNotCa = DaneTestPki.server(notCa, "mx.example.net", YESTERDAY, IN_A_MONTH, "mx.example.net");
        DaneVerdict nc = match(List.of(underNotCa.cert, notCa.cert, pki.root.cert), tlsa(2, 0, 1, pki.root.cert));
        assertThat(nc.results().get(0).status()).isEqualTo(RecordStatus.CHAIN_INVALID);
    }

    @Test
    void sha512RecordsReplaceSha256OnesOfTheSameUsageAndSelector() throws Exception {
        // RFC 7671 §9: the right SHA2-256 record is ignored once a SHA2-512 one (here wrong) is present
        String wrong512 = "3 1 2 " + "00".repeat(64);
        DaneVerdict v = match(chain, tlsa(3, 1, 1, mx.cert), wrong512);
        assertThat(v.outcome()).isEqualTo(DaneVerdict.Outcome.NOT_AUTHENTICATED);
        assertThat(v.results()).extracting(RecordResult::status).containsExactly(RecordStatus.IGNORED_WEAKER_DIGEST, RecordStatus.NO_MATCH);
        // another selector is another group, and Full(0) always counts
        assertThat(match(chain, tlsa(3, 0, 1, mx.cert), wrong512).authenticated()).isTrue();
        assertThat(match(chain, tlsa(3, 1, 0, mx.cert), wrong512).authenticated()).isTrue();
    }

    @Test
    void daneEeWinsOverDaneTaAndTheNearestAnchorOverFurtherOnes() throws Exception {
        List<X509Certificate> full = List.of(mx.cert, pki.intermediate.cert, pki.root.cert);
        DaneVerdict v = match(full, tlsa(2, 0, 1, pki.root.cert), tlsa(2, 0, 1, pki.intermediate.cert), tlsa(3, 1, 1, mx.cert));
        assertThat(v.depth()).isZero();
        assertThat(v.matched().orElseThrow().record().orElseThrow().usage()).isEqualTo(3);
        assertThat(v.results()).extracting(RecordResult::status).containsOnly(RecordStatus.MATCHED);
        assertThat(match(full, tlsa(2, 0, 1, pki.root.cert), tlsa(2, 0, 1, pki.intermediate.cert)).depth()).isEqualTo(1);
    }

    @Test
    void unusableRecordsAreInTheVerdictAndAloneGiveTlsaInvalid() throws Exception {
        DaneVerdict mixed = match(chain, "1 1 1 " + "00".repeat(32), tlsa(3, 1, 1, mx.cert));
        assertThat(mixed.authenticated()).isTrue();
        assertThat(mixed.results()).extracting(RecordResult::status).containsExactly(RecordStatus.MATCHED, RecordStatus.UNUSABLE);

        // RFC 7672 §2.2: records, none usable -> TLS without authentication; RFC 8460 tlsa-invalid
        DaneVerdict none = match(chain, "1 1 1 " + "00".repeat(32), "4 1 1 " + "00".repeat(32), "not a record");
        assertThat(none.outcome()).isEqualTo(DaneVerdict.Outcome.NO_USABLE_RECORDS);
        assertThat(none.tlsRptResultType()).contains("tlsa-invalid");
        assertThat(none.results()).hasSize(3).allMatch(r -> r.status() == RecordStatus.UNUSABLE);
        assertThat(none.reason()).startsWith("no usable TLSA record: ").contains("PKIX-EE(1) is unusable for SMTP");
    }

    @Test
    void noCertificateOrNoRecords() throws Exception {
        assertThat(match(List.of(), tlsa(3, 1, 1, mx.cert)).outcome()).isEqualTo(DaneVerdict.Outcome.NOT_AUTHENTICATED);
        assertThatThrownBy(() -> matcher.match(chain, TlsaRecordSet.parse(List.of()), ReferenceNames.of("mx.example.net")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DANE does not apply");
    }
}

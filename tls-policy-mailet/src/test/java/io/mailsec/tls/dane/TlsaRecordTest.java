package io.mailsec.tls.dane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

/** RFC 6698 §2.1 (wire) and §2.2 (presentation) forms of a TLSA record, and what makes one unusable. */
class TlsaRecordTest {
    private static final String DIGEST = "0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6";

    @Test
    void presentationFormAllowsWhitespaceAndCaseInTheHex() throws Exception {
        TlsaRecord r = TlsaRecord.parse("  3 1 1 0c72ac70b745ac19998811b131d662c9\n ac69dbdbe7cb23e5b514b56664c5d3d6 ");
        assertThat(r.usage()).isEqualTo(3);
        assertThat(r.selector()).isEqualTo(1);
        assertThat(r.matchingType()).isEqualTo(1);
        assertThat(r.presentation()).isEqualTo("3 1 1 " + DIGEST);
        assertThat(r.mnemonic()).isEqualTo("DANE-EE SPKI SHA2-256");
        assertThat(r.associationData()).hasSize(32);
    }

    @Test
    void zoneFileLinesAndTheGenericFormAreRead() throws Exception {
        TlsaRecord plain = TlsaRecord.parse("3 1 1 " + DIGEST);
        assertThat(TlsaRecord.parse("_25._tcp.mx.example.net. 3600 IN TLSA ( 3 1 1 " + DIGEST + " )")).isEqualTo(plain);
        // RFC 3597 §5: \# and the rdata length, then the rdata in hex
        assertThat(TlsaRecord.parse("\\# 35 030101" + DIGEST)).isEqualTo(plain);
    }

    @Test
    void wireFormRoundTrips() throws Exception {
        TlsaRecord r = TlsaRecord.parse("2 0 2 " + DIGEST + DIGEST);
        byte[] wire = r.toWire();
        assertThat(wire).hasSize(3 + 64).startsWith(2, 0, 2);
        assertThat(TlsaRecord.fromWire(wire)).isEqualTo(r);
    }

    @Test
    void unassignedParametersAreKeptNotRejected() throws Exception {
        // a record with usage 255 is a valid RR: it is unusable, which the RRset reports
        TlsaRecord r = TlsaRecord.parse("255 7 9 00");
        assertThat(r.certUsage()).isEmpty();
        assertThat(r.selectorKind()).isEmpty();
        assertThat(r.matchingKind()).isEmpty();
        assertThat(r.mnemonic()).isEqualTo("255 7 9");
    }

    @Test
    void malformedRecordsSayWhatIsWrong() {
        assertThatThrownBy(() -> TlsaRecord.parse("3 1 " + DIGEST)).isInstanceOf(TlsaParseException.class).hasMessageContaining("expected usage");
        assertThatThrownBy(() -> TlsaRecord.parse("x 1 1 " + DIGEST)).hasMessageContaining("usage 'x'");
        assertThatThrownBy(() -> TlsaRecord.parse("3 256 1 " + DIGEST)).hasMessageContaining("selector '256'");
        assertThatThrownBy(() -> TlsaRecord.parse("3 1 1 ABC")).hasMessageContaining("even number of hex digits");
        assertThatThrownBy(() -> TlsaRecord.parse("3 1 1 GG")).hasMessageContaining("hex");
        assertThatThrownBy(() -> TlsaRecord.parse("\\# 4 030101")).hasMessageContaining("says 4 bytes but has 3");
        assertThatThrownBy(() -> TlsaRecord.fromWire(new byte[] {3, 1})).hasMessageContaining("2 bytes");
    }

    @Test
    void unusableRecordsAreReportedWithTheirReason() throws Exception {
        DaneTestPki pki = new DaneTestPki("Records");
        String taFull = DaneTestPki.tlsa(2, 0, 0, pki.root.cert);
        TlsaRecordSet set = TlsaRecordSet.parse(List.of(
                "3 1 1 " + DIGEST,                 // usable
                taFull,                            // usable: a certificate
                "0 0 1 " + DIGEST,                 // PKIX-TA
                "1 1 1 " + DIGEST,                 // PKIX-EE
                "4 1 1 " + DIGEST,                 // unassigned usage
                "3 2 1 " + DIGEST,                 // unassigned selector
                "3 1 3 " + DIGEST,                 // unassigned matching type
                "3 1 255 " + DIGEST,               // PrivMatch
                "3 1 1 " + DIGEST.substring(2),    // 31 bytes of SHA-256
                "3 1 2 " + DIGEST,                 // 32 bytes of SHA-512
                "2 0 0 3003020101",                // DANE-TA Full(0): not a certificate
                "3 1 0 3003020101",                // SPKI Full(0): not a public key
                "3 0 0 0102",                      // DANE-EE Full(0): not even DER
                "3 1 1 0",                         // malformed
                "3 1 1 "));                        // malformed: no data at all
        assertThat(set.usable()).extracting(TlsaRecord::presentation).containsExactly("3 1 1 " + DIGEST, taFull.toUpperCase());
        assertThat(set.unusable()).extracting(UnusableRecord::reason).containsExactly(
                "PKIX-TA(0) is unusable for SMTP (RFC 7672 §3.1.3)",
                "PKIX-EE(1) is unusable for SMTP (RFC 7672 §3.1.3)",
                "unknown certificate usage 4 (RFC 6698 §2.1.1)",
                "unknown selector 2 (RFC 6698 §2.1.2)",
                "unknown matching type 3 (RFC 6698 §2.1.3)",
                "unknown matching type 255 (RFC 6698 §2.1.3)",
                "SHA2-256 data of 31 bytes, not 32: it can match nothing",
                "SHA2-512 data of 32 bytes, not 64: it can match nothing",
                "Full(0) data is not a DER certificate",
                "Full(0) data is not a DER SubjectPublicKeyInfo",
                "Full(0) data is not a DER certificate",
                "malformed: association data is not an even number of hex digits: '3 1 1 0'",
                "malformed: not a TLSA record (expected usage, selector, matching type and hex data): '3 1 1'");
        assertThat(set.unusable().get(0).record()).isPresent();
        assertThat(set.unusable().get(11).record()).isEmpty();
        assertThat(set.unusable().get(11).text()).isEqualTo("3 1 1 0");
        assertThat(set.hasUsable()).isTrue();
    }

    @Test
    void wireRdataThatCannotBeReadIsReportedToo() {
        TlsaRecordSet set = TlsaRecordSet.fromWire(List.of(new byte[] {3, 1}, new byte[] {0, 1, 1, 0x0c}));
        assertThat(set.hasUsable()).isFalse();
        assertThat(set.isEmpty()).isFalse();
        assertThat(set.unusable()).extracting(UnusableRecord::toString).containsExactly(
                "0 1 1 0C: PKIX-TA(0) is unusable for SMTP (RFC 7672 §3.1.3)",
                "\\# 2 0301: malformed: TLSA rdata of 2 bytes (at least 3 needed)");
    }
}

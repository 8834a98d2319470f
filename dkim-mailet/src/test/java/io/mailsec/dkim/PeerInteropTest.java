package io.mailsec.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cross-checks with real implementations over real DNS (dnsmasq on 127.0.1.53): our signatures verify
 * in dkimpy ({@code dkimverify}) and OpenDKIM ({@code opendkim-testmsg}); dkimpy's ({@code dkimsign})
 * verify with us; a tampered body or header fails everywhere.
 */
class PeerInteropTest {
    static final String DOMAIN = "interop.example.com";
    static Peers peers;
    static SigningKey rsa;
    static SigningKey ed;
    static Path rsaPkcs1;
    static Path edSeed;

    @BeforeAll
    static void start() throws Exception {
        Peers.require("dkimverify", "dkimsign", "opendkim-testmsg");
        rsa = DkimKeys.generate(SigningKey.Type.RSA, 2048, "rsa");
        ed = DkimKeys.generate(SigningKey.Type.ED25519, 0, "ed");
        Map<String, String> txt = new LinkedHashMap<>();
        txt.put("rsa._domainkey." + DOMAIN, rsa.dnsRecord());
        txt.put("ed._domainkey." + DOMAIN, ed.dnsRecord());
        peers = Peers.start("example.com", txt);
        // dkimpy reads PKCS#1 PEM and raw base64 Ed25519 seeds; write our keys in those forms (and reload them)
        byte[] pkcs1 = PrivateKeyInfo.getInstance(rsa.rsaKey().getEncoded()).parsePrivateKey().toASN1Primitive().getEncoded();
        rsaPkcs1 = peers.dir().resolve("rsa.pem");
        Files.writeString(rsaPkcs1, "-----BEGIN RSA PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pkcs1) + "\n-----END RSA PRIVATE KEY-----\n");
        edSeed = peers.dir().resolve("ed.key");
        Files.writeString(edSeed, java.util.Base64.getEncoder().encodeToString(ed.seedRef()) + "\n");
        assertThat(DkimKeys.load(rsaPkcs1).publicKeyBase64()).isEqualTo(rsa.publicKeyBase64());
        assertThat(DkimKeys.load(edSeed).publicKeyBase64()).isEqualTo(ed.publicKeyBase64());
    }

    @AfterAll
    static void stop() {
        if (peers != null) {
            peers.close();
        }
    }

    static byte[] message() throws Exception {
        return Vectors.bytes("rfc8463/unsigned.eml");
    }

    static byte[] oursSigned(SigningKey key, String selector, Canonicalization hc, Canonicalization bc) throws Exception {
        return ConformanceVectorTest.signed(message(), new SignSpec(key, DOMAIN, selector).canonicalization(hc, bc));
    }

    static byte[] tamperBody(byte[] m) {
        return ConformanceVectorTest.replace(m, "hungry yet?", "hungry now?");
    }

    static byte[] tamperHeader(byte[] m) {
        return ConformanceVectorTest.replace(m, "Subject: Is dinner ready?", "Subject: Is lunch ready?");
    }

    List<DkimResult> ours(byte[] m) throws Exception {
        return new DkimVerifier(peers.resolver()).verify(m);
    }

    @Test
    void ourRsaSignatures_verifyInDkimpyAndOpendkim() throws Exception {
        for (Canonicalization hc : Canonicalization.values()) {
            for (Canonicalization bc : Canonicalization.values()) {
                byte[] m = oursSigned(rsa, "rsa", hc, bc);
                String what = "rsa " + hc + "/" + bc;
                Peers.Run py = peers.run(m, "dkimverify");
                assertThat(py.exit()).as(what + " dkimverify: " + py.stdout() + py.stderr()).isZero();
                assertThat(py.stdout()).contains("signature ok");
                Peers.Run od = peers.run(m, "opendkim-testmsg");
                assertThat(od.exit()).as(what + " opendkim-testmsg: " + od.stdout() + od.stderr()).isZero();
                assertThat(ours(m)).singleElement().satisfies(r -> assertThat(r.result()).isEqualTo("pass"));
            }
        }
    }

    @Test
    void ourEd25519Signatures_verifyInDkimpyAndOpendkim() throws Exception {
        byte[] m = oursSigned(ed, "ed", Canonicalization.RELAXED, Canonicalization.RELAXED);
        Peers.Run py = peers.run(m, "dkimverify");
        assertThat(py.exit()).as("dkimverify: " + py.stdout() + py.stderr()).isZero();
        Peers.Run od = peers.run(m, "opendkim-testmsg");
        assertThat(od.exit()).as("opendkim-testmsg: " + od.stdout() + od.stderr()).isZero();
        assertThat(ours(m)).singleElement().satisfies(r -> assertThat(r.result()).isEqualTo("pass"));
    }

    @Test
    void tamperedMessagesWeSigned_failInAllThree() throws Exception {
        for (SigningKey key : List.of(rsa, ed)) {
            String sel = key == rsa ? "rsa" : "ed";
            byte[] m = oursSigned(key, sel, Canonicalization.RELAXED, Canonicalization.RELAXED);
            for (byte[] bad : List.of(tamperBody(m), tamperHeader(m))) {
                Peers.Run py = peers.run(bad, "dkimverify");
                assertThat(py.exit()).as(sel + " dkimverify on tampered").isNotZero();
                Peers.Run od = peers.run(bad, "opendkim-testmsg");
                assertThat(od.exit()).as(sel + " opendkim-testmsg on tampered").isNotZero();
                assertThat(ours(bad)).singleElement().satisfies(r -> assertThat(r.result()).isEqualTo("fail"));
            }
        }
    }

    @Test
    void dkimpySignatures_verifyWithUs_andTamperedFail() throws Exception {
        Peers.Run rsaSigned = peers.run(message(), "dkimsign", "--hcanon", "relaxed", "--bcanon", "simple",
                "rsa", DOMAIN, rsaPkcs1.toString());
        assertThat(rsaSigned.exit()).as(rsaSigned.stderr()).isZero();
        Peers.Run edSigned = peers.run(message(), "dkimsign", "--signalg", "ed25519-sha256", "--hcanon", "relaxed",
                "--bcanon", "relaxed", "ed", DOMAIN, edSeed.toString());
        assertThat(edSigned.exit()).as(edSigned.stderr()).isZero();
        for (Peers.Run signed : List.of(rsaSigned, edSigned)) {
            byte[] m = signed.stdoutBytes();
            assertThat(new String(m, StandardCharsets.ISO_8859_1)).startsWith("DKIM-Signature:");
            assertThat(ours(m)).singleElement().satisfies(r -> assertThat(r.result()).as(r.toString()).isEqualTo("pass"));
            assertThat(ours(tamperBody(m)).get(0).result()).isEqualTo("fail");
            assertThat(ours(tamperHeader(m)).get(0).result()).isEqualTo("fail");
            // and opendkim agrees on the untampered one
            assertThat(peers.run(m, "opendkim-testmsg").exit()).isZero();
        }
    }

    @Test
    void realDns_missingSelector_isPermerror_multiStringRecordWorks() throws Exception {
        assertThat(rsa.dnsRecord().length()).isGreaterThan(255); // served as several strings
        byte[] m = ConformanceVectorTest.signed(message(), new SignSpec(rsa, DOMAIN, "nosuch"));
        DkimResult r = ours(m).get(0);
        assertThat(r.result()).isEqualTo("permerror");
        assertThat(r.reason()).contains("nxdomain");
    }
}

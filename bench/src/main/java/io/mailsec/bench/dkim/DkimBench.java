package io.mailsec.bench.dkim;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.james.jdkim.DKIMSigner;
import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.SignatureRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.mailsec.core.dns.FakeDns;
import io.mailsec.dkim.Canonicalization;
import io.mailsec.dkim.DkimKeys;
import io.mailsec.dkim.DkimResult;
import io.mailsec.dkim.DkimSigner;
import io.mailsec.dkim.DkimVerifier;
import io.mailsec.dkim.SignSpec;
import io.mailsec.dkim.SigningKey;

/**
 * Single-thread DKIM throughput: mailsec vs James's built-in jDKIM 0.3 vs the raw JDK primitive, same
 * JVM, same messages (relaxed/relaxed, RSA-2048 and Ed25519, 4 KB and 1 MB bodies).
 * Run with scripts/bench-dkim.sh.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DkimBench {
    static final String DOMAIN = "example.com";

    SigningKey rsa;
    SigningKey ed;
    byte[] msg4k;
    byte[] msg1m;
    byte[] rsaSigned4k;
    byte[] rsaSigned1m;
    byte[] edSigned4k;
    DkimVerifier ours;
    DKIMVerifier jdkim;
    DKIMSigner jdkimSigner;
    List<SignSpec> rsaSpec;
    List<SignSpec> edSpec;
    byte[] rsaCanonicalHeaders;
    java.security.PublicKey rsaPublic;
    byte[] rawRsaSig;
    byte[] edSeed;
    byte[] edPublic;
    byte[] hash32;
    byte[] rawEdSig;

    static byte[] message(int size) {
        StringBuilder sb = new StringBuilder();
        sb.append("From: Joe SixPack <joe@example.com>\r\nTo: Suzie Q <suzie@shopping.example.net>\r\n")
                .append("Subject: Is dinner ready?\r\nDate: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n")
                .append("Message-ID: <20030712040037.46341.5F8J@example.com>\r\nMIME-Version: 1.0\r\n")
                .append("Content-Type: text/plain; charset=utf-8\r\n\r\n");
        String line = "Lorem ipsum dolor sit amet,  consectetur adipiscing elit, sed do eiusmod tempor\t incididunt\r\n";
        while (sb.length() < size - line.length()) {
            sb.append(line);
        }
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] prepend(String field, byte[] msg) {
        byte[] head = (field + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = java.util.Arrays.copyOf(head, head.length + msg.length);
        System.arraycopy(msg, 0, out, head.length, msg.length);
        return out;
    }

    public byte[] msg4k() {
        return msg4k;
    }

    public byte[] msg1m() {
        return msg1m;
    }

    @Setup
    public void setup() throws Exception {
        rsa = DkimKeys.generate(SigningKey.Type.RSA, 2048, "bench-rsa");
        ed = DkimKeys.generate(SigningKey.Type.ED25519, 0, "bench-ed");
        FakeDns dns = new FakeDns().txt("rsa._domainkey." + DOMAIN, rsa.dnsRecord()).txt("ed._domainkey." + DOMAIN, ed.dnsRecord());
        ours = new DkimVerifier(dns);
        jdkim = new DKIMVerifier((method, selector, domain) -> dns.txt(selector + "._domainkey." + domain).records());
        msg4k = message(4096);
        msg1m = message(1024 * 1024);
        rsaSpec = List.of(new SignSpec(rsa, DOMAIN, "rsa"));
        edSpec = List.of(new SignSpec(ed, DOMAIN, "ed"));
        rsaSigned4k = prepend(DkimSigner.sign(msg4k, rsaSpec).get(0), msg4k);
        rsaSigned1m = prepend(DkimSigner.sign(msg1m, rsaSpec).get(0), msg1m);
        edSigned4k = prepend(DkimSigner.sign(msg4k, edSpec).get(0), msg4k);
        jdkimSigner = new DKIMSigner("v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + DOMAIN
                + "; s=rsa; h=from:to:subject:date:message-id:mime-version:content-type:from; bh=; b=;", rsa.rsaKey());
        rsaCanonicalHeaders = java.util.Arrays.copyOf(msg4k, 420);
        java.security.interfaces.RSAPrivateCrtKey crt = (java.security.interfaces.RSAPrivateCrtKey) rsa.rsaKey();
        rsaPublic = java.security.KeyFactory.getInstance("RSA").generatePublic(
                new java.security.spec.RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
        Signature rs = Signature.getInstance("SHA256withRSA");
        rs.initSign(rsa.rsaKey());
        rs.update(rsaCanonicalHeaders);
        rawRsaSig = rs.sign();
        edSeed = new byte[32];
        new java.security.SecureRandom().nextBytes(edSeed);
        edPublic = new byte[32];
        org.bouncycastle.math.ec.rfc8032.Ed25519.generatePublicKey(edSeed, 0, edPublic, 0);
        hash32 = java.security.MessageDigest.getInstance("SHA-256").digest(msg4k);
        rawEdSig = signEd25519_bcRaw();
        // sanity: every path verifies
        for (byte[] m : List.of(rsaSigned4k, rsaSigned1m, edSigned4k)) {
            List<DkimResult> r = ours.verify(m);
            if (r.size() != 1 || r.get(0).status() != DkimResult.Status.PASS) {
                throw new IllegalStateException("setup: our signature does not verify: " + r);
            }
        }
        for (byte[] m : List.of(rsaSigned4k, rsaSigned1m)) {
            List<SignatureRecord> r = jdkim.verify(new ByteArrayInputStream(m));
            if (r == null || r.size() != 1) {
                throw new IllegalStateException("setup: jDKIM does not verify our signature");
            }
        }
        byte[] jsigned = prepend(jdkimSigner.sign(new ByteArrayInputStream(msg4k)), msg4k);
        if (ours.verify(jsigned).get(0).status() != DkimResult.Status.PASS) {
            throw new IllegalStateException("setup: jDKIM's signature does not verify with us");
        }
    }

    // --- RSA-2048 verify, 4 KB ---
    @Benchmark
    public Object verifyRsa2048_4k_mailsec() throws Exception {
        return ours.verify(rsaSigned4k);
    }

    @Benchmark
    public Object verifyRsa2048_4k_jdkim() throws Exception {
        return jdkim.verify(new ByteArrayInputStream(rsaSigned4k));
    }

    // --- RSA-2048 verify, 1 MB ---
    @Benchmark
    public Object verifyRsa2048_1m_mailsec() throws Exception {
        return ours.verify(rsaSigned1m);
    }

    @Benchmark
    public Object verifyRsa2048_1m_jdkim() throws Exception {
        return jdkim.verify(new ByteArrayInputStream(rsaSigned1m));
    }

    // --- RSA-2048 sign, 4 KB ---
    @Benchmark
    public Object signRsa2048_4k_mailsec() throws Exception {
        return DkimSigner.sign(msg4k, rsaSpec);
    }

    @Benchmark
    public Object signRsa2048_4k_jdkim() throws Exception {
        return jdkimSigner.sign(new ByteArrayInputStream(msg4k));
    }

    /** The raw primitive: one SHA256withRSA signature (over ~the size of the signed header block). */
    @Benchmark
    public Object signRsa2048_jdkRaw() throws Exception {
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(rsa.rsaKey());
        s.update(rsaCanonicalHeaders);
        return s.sign();
    }

    // --- Ed25519, 4 KB ---
    @Benchmark
    public Object signEd25519_4k_mailsec() throws Exception {
        return DkimSigner.sign(msg4k, edSpec);
    }

    @Benchmark
    public Object verifyEd25519_4k_mailsec() throws Exception {
        return ours.verify(edSigned4k);
    }

    /** Floor: one raw JDK SHA256withRSA verification of a header-block-sized input. */
    @Benchmark
    public boolean verifyRsa2048_jdkRaw() throws Exception {
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initVerify(rsaPublic);
        s.update(rsaCanonicalHeaders);
        return s.verify(rawRsaSig);
    }

    /** Floor: Bouncy Castle Ed25519 sign of a 32-byte hash (what ed25519-sha256 signs). */
    @Benchmark
    public byte[] signEd25519_bcRaw() {
        byte[] sig = new byte[64];
        org.bouncycastle.math.ec.rfc8032.Ed25519.sign(edSeed, 0, edPublic, 0, hash32, 0, 32, sig, 0);
        return sig;
    }

    /** Floor: Bouncy Castle Ed25519 verify of a 32-byte hash. */
    @Benchmark
    public boolean verifyEd25519_bcRaw() {
        return org.bouncycastle.math.ec.rfc8032.Ed25519.verify(rawEdSig, 0, edPublic, 0, hash32, 0, 32);
    }

    /** SHA-256 of 1 MB with the JDK alone: what hashing costs without canonicalization. */
    @Benchmark
    public Object sha256_1m_jdkRaw() throws Exception {
        return java.security.MessageDigest.getInstance("SHA-256").digest(msg1m);
    }

    /** Relaxed body canonicalization + SHA-256 of 1 MB alone: the floor under the 1 MB verify. */
    @Benchmark
    public Object canonicalizeRelaxedBody_1m() throws Exception {
        io.mailsec.dkim.BodyHasher h = new io.mailsec.dkim.BodyHasher(Canonicalization.RELAXED,
                java.security.MessageDigest.getInstance("SHA-256"));
        h.write(msg1m, 0, msg1m.length);
        return h.finish();
    }
}

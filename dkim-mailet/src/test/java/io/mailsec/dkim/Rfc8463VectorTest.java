package io.mailsec.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.mailsec.core.dns.FakeDns;

/** RFC 8463 Appendix A: the ed25519-sha256 and rsa-sha256 signatures of the RFC's example. */
class Rfc8463VectorTest {
    static final long T = 1528637909L;

    static DkimVerifier verifier() throws IOException {
        FakeDns dns = new FakeDns().zone(Vectors.path("rfc8463/dns.txt"));
        return new DkimVerifier(dns, DkimVerifier.Options.defaults().clock(() -> T + 60));
    }

    @Test
    void rfc8463_appendixA_bothSignaturesPass() throws Exception {
        List<DkimResult> results = verifier().verify(Vectors.bytes("rfc8463/signed.eml"));
        assertThat(results).hasSize(2);
        assertThat(results.get(0).algorithm()).isEqualTo("ed25519-sha256");
        assertThat(results.get(0).selector()).isEqualTo("brisbane");
        assertThat(results.get(1).algorithm()).isEqualTo("rsa-sha256");
        assertThat(results.get(1).selector()).isEqualTo("test");
        assertThat(results).allSatisfy(r -> {
            assertThat(r.result()).as(r.toString()).isEqualTo("pass");
            assertThat(r.domain()).isEqualTo("football.example.com");
        });
    }

    @Test
    void rfc8463_bodyHash() throws Exception {
        byte[] msg = Vectors.bytes("rfc8463/unsigned.eml");
        BodyHasher h = new BodyHasher(Canonicalization.RELAXED, DkimAlgorithm.RSA_SHA256.newDigest());
        MessageSink sink = new MessageSink(headers -> h);
        sink.copy(new java.io.ByteArrayInputStream(msg));
        assertThat(java.util.Base64.getEncoder().encodeToString(h.finish()))
                .isEqualTo("2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=");
    }

    @Test
    void rfc8463_resigningReproducesEd25519SignatureByteForByte() throws Exception {
        assertResign("brisbane-ed25519.seed.b64", "ed25519-sha256", "brisbane", 0);
        assertResign("brisbane-ed25519.pkcs8.pem", "ed25519-sha256", "brisbane", 0);
    }

    @Test
    void rfc8463_resigningReproducesRsaSignatureByteForByte() throws Exception {
        assertResign("test-rsa1024.pkcs1.pem", "rsa-sha256", "test", 1);
        assertResign("test-rsa1024.pkcs8.pem", "rsa-sha256", "test", 1);
    }

    private void assertResign(String keyFile, String alg, String selector, int index) throws Exception {
        SigningKey key = DkimKeys.load(Vectors.path("rfc8463/" + keyFile));
        byte[] unsigned = Vectors.bytes("rfc8463/unsigned.eml");
        MessageSink sink = new MessageSink(h -> null);
        sink.copy(new java.io.ByteArrayInputStream(unsigned));
        LinkedHashMap<String, String> tags = new LinkedHashMap<>();
        tags.put("v", "1");
        tags.put("a", alg);
        tags.put("c", "relaxed/relaxed");
        tags.put("d", "football.example.com");
        tags.put("i", "@football.example.com");
        tags.put("q", "dns/txt");
        tags.put("s", selector);
        tags.put("t", Long.toString(T));
        tags.put("h", "from : to : subject : date : message-id : from : subject : date");
        tags.put("bh", "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=");
        String field = DkimSigner.signWithTags(key, Canonicalization.RELAXED, sink.headers(), tags);

        List<HeaderField> signedHeaders = signedHeaders();
        DkimSignature expected = DkimSignature.parse(signedHeaders.get(index));
        DkimSignature ours = DkimSignature.parse(new HeaderField(field));
        assertThat(TagList.stripWhitespace(ours.tags().get("b")))
                .isEqualTo(TagList.stripWhitespace(expected.tags().get("b")));

        // and our field, prepended to the unsigned message, verifies
        byte[] ourMessage = concat((field + "\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), unsigned);
        List<DkimResult> r = verifier().verify(ourMessage);
        assertThat(r).singleElement().satisfies(x -> assertThat(x.result()).isEqualTo("pass"));
    }

    static List<HeaderField> signedHeaders() throws IOException {
        MessageSink sink = new MessageSink(h -> null);
        sink.copy(new java.io.ByteArrayInputStream(Vectors.bytes("rfc8463/signed.eml")));
        return sink.headers();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

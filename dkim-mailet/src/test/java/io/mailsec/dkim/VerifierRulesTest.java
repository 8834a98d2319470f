package io.mailsec.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.mailsec.core.dns.FakeDns;

/** RFC 6376 §6 verifier rules, RFC 8301 and key record tags, with an in-memory DNS. */
class VerifierRulesTest {
    static final String MSG = "From: Joe <joe@example.com>\r\nTo: sue@example.net\r\nSubject: hi\r\n"
            + "Date: Sun, 22 Nov 2026 10:00:00 +0000\r\nMessage-ID: <1@example.com>\r\n\r\nHello,\r\nworld.\r\n";
    static final long NOW = 1_800_000_000L;

    final SigningKey rsa = DkimKeys.generate(SigningKey.Type.RSA, 2048, "test");
    final SigningKey ed = DkimKeys.generate(SigningKey.Type.ED25519, 0, "test");

    SignSpec spec(SigningKey key) {
        return new SignSpec(key, "example.com", "sel").clock(() -> NOW);
    }

    DkimVerifier verifier(FakeDns dns) {
        return new DkimVerifier(dns, DkimVerifier.Options.defaults().clock(() -> NOW));
    }

    byte[] sign(SignSpec... specs) throws Exception {
        List<String> fields = DkimSigner.sign(MSG.getBytes(StandardCharsets.ISO_8859_1), List.of(specs));
        StringBuilder sb = new StringBuilder();
        fields.forEach(f -> sb.append(f).append("\r\n"));
        return (sb + MSG).getBytes(StandardCharsets.ISO_8859_1);
    }

    DkimResult one(FakeDns dns, byte[] msg) throws Exception {
        List<DkimResult> r = verifier(dns).verify(msg);
        assertThat(r).hasSize(1);
        return r.get(0);
    }

    @Test
    void rfc6376_6_1_3_rsaAndEd25519Pass() throws Exception {
        for (SigningKey k : List.of(rsa, ed)) {
            DkimResult r = one(new FakeDns().txt("sel._domainkey.example.com", k.dnsRecord()), sign(spec(k)));
            assertThat(r.result()).isEqualTo("pass");
            assertThat(r.algorithm()).isEqualTo(k.algorithm().tag());
            assertThat(r.bodyLengthLimited()).isFalse();
        }
    }

    @Test
    void defaultSignature_relaxedRelaxed_withTimestamp_fromOversigned_noL() throws Exception {
        String f = DkimSigner.sign(MSG.getBytes(StandardCharsets.ISO_8859_1), List.of(spec(rsa).expirySeconds(3600))).get(0);
        DkimSignature sig = DkimSignature.parse(new HeaderField(f));
        assertThat(sig.headerCanonicalization()).isEqualTo(Canonicalization.RELAXED);
        assertThat(sig.bodyCanonicalization()).isEqualTo(Canonicalization.RELAXED);
        assertThat(sig.timestamp()).isEqualTo(NOW);
        assertThat(sig.expiry()).isEqualTo(NOW + 3600);
        assertThat(sig.bodyLength()).isEqualTo(-1);
        assertThat(sig.signedHeaders()).containsExactly("from", "to", "subject", "date", "message-id", "from");
        assertThat(f.split("\r\n")).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(78));
    }

    @Test
    void oversignedFrom_addedSecondFromFails() throws Exception {
        FakeDns dns = new FakeDns().txt("sel._domainkey.example.com", rsa.dnsRecord());
        String signed = new String(sign(spec(rsa)), StandardCharsets.ISO_8859_1);
        byte[] extra = signed.replace("\r\n\r\nHello", "\r\nFrom: evil@attacker.example\r\n\r\nHello").getBytes(StandardCharsets.ISO_8859_1);
        assertThat(one(dns, extra).result()).isEqualTo("fail");
    }

    @Test
    void rfc6376_3_6_1_revokedKey_isPermerror() throws Exception {
        DkimResult r = one(new FakeDns().txt("sel._domainkey.example.com", "v=DKIM1; k=rsa; p="), sign(spec(rsa)));
        assertThat(r.result()).isEqualTo("permerror");
        assertThat(r.reason()).contains("revoked");
    }

    @Test
    void rfc6376_3_6_1_testingFlag_isReported() throws Exception {
        DkimResult r = one(new FakeDns().txt("sel._domainkey.example.com", rsa.dnsRecord() + "; t=y"), sign(spec(rsa)));
        assertThat(r.result()).isEqualTo("pass");
        assertThat(r.testing()).isTrue();
        assertThat(r.reason()).contains("t=y");
    }

    @Test
    void rfc6376_3_6_1_strictFlag_rejectsSubdomainIdentity() throws Exception {
        FakeDns dns = new FakeDns().txt("sel._domainkey.example.com", rsa.dnsRecord() + "; t=s");
        DkimResult sub = one(dns, sign(spec(rsa).identity("joe@mail.example.com")));
        assertThat(sub.result()).isEqualTo("permerror");
        assertThat(sub.reason()).contains("t=s");
        assertThat(one(dns, sign(spec(rsa).identity("joe@example.com"))).result()).isEqualTo("pass");
    }

    @Test
    void rfc6376_3_6_1_hashTag_mustAllowSha256() throws Exception {
        DkimResult r = one(new FakeDns().txt("sel._domainkey.example.com", "v=DKIM1; h=sha1; k=rsa; p="
                + rsa.publicKeyBase64()), sign(spec(rsa)));
        assertThat(r.result()).isEqualTo("permerror");
        assertThat(r.reason()).contains("h=sha1");
        assertThat(one(new FakeDns().txt("sel._domainkey.example.com", "v=DKIM1; h=sha1:sha256; p="
                + rsa.publicKeyBase64()), sign(spec(rsa))).result()).isEqualTo("pass");
    }

    @Test
    void rfc6376_3_6_1_serviceType_mustIncludeEmail() throws Exception {
        DkimResult r = one(new FakeDns().txt("sel._domainkey.example.com", rsa.dnsRecord() + "; s=other"), sign(spec(rsa)));
        assertThat(r.result()).isEqualTo("permerror");
        assertThat(one(new FakeDns().txt("sel._domainkey.example.com", rsa.dnsRecord() + "; s=email"), sign(spec(rsa)))
                .result()).isEqualTo("pass");
    }

    @Test
    void rfc8463_keyTypeMismatch_isPermerror() throws Exception {
        DkimResult r = one(new FakeDns().txt("sel._domainkey.example.com", ed.dnsRecord()), sign(spec(rsa)));
        assertThat(r.result()).isEqualTo("permerror");
        assertThat(r.reason()).contains("k=ed25519");
    }

    @Test
    void rfc6376_6_1_2_dnsTimeout_isTemperror_missingKey_isPermerror() throws Exception {
        byte[] msg = sign(spec(rsa));
        assertThat(one(new FakeDns().timeout("sel._domainkey.example.com"), msg).result()).isEqualTo("temperror");
        assertThat(one(new FakeDns().servfail("sel._domainkey.example.com"), msg).result()).isEqualTo("temperror");
        DkimResult missing = one(new FakeDns(), msg);
        assertThat(missing.result()).isEqualTo("permerror");
        assertThat(missing.reason()).contains("no key record");
    }

    @Test
    void rfc6376_3_6_2_2_multiStringTxt_isConcatenated() throws Exception {
        // DnsResolver contract: strings of one record are joined; a record split anywhere must work
        String rec = rsa.dnsRecord();
        FakeDns dns = new FakeDns().txt("sel._domainkey.example.com", rec.substring(0, 100) + rec.substring(100));
        assertThat(one(dns, sign(spec(rsa))).result()).isEqualTo("pass");
    }

    @Test
    void rfc8301_rsaSha1_doesNotPass() throws Exception {
        String signed = new String(sign(spec(rsa)), StandardCharsets.ISO_8859_1).replace("a=rsa-sha256", "a=rsa-sha1");
        DkimResult r = one(new FakeDns().txt("sel._domainkey.example.com", rsa.dnsRecord()), signed.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(r.result()).isEqualTo("permerror");
        assertThat(r.reason()).contains("rsa-sha1");
    }

    @Test
    void rfc6376_3_5_expiredSignature_andFutureTimestamp() throws Exception {
        FakeDns dns = new FakeDns().txt("sel._domainkey.example.com", rsa.dnsRecord());
        byte[] expired = sign(new SignSpec(rsa, "example.com", "sel").clock(() -> NOW - 7200).expirySeconds(3600));
        assertThat(one(dns, expired).reason()).contains("expired");
        byte[] future = sign(new SignSpec(rsa, "example.com", "sel").clock(() -> NOW + 3600));
        DkimResult r = one(dns, future);
        assertThat(r.result()).isEqualTo("permerror");
        assertThat(r.reason()).contains("future");
        byte[] skewed = sign(new SignSpec(rsa, "example.com", "sel").clock(() -> NOW + 60));
        assertThat(one(dns, skewed).result()).isEqualTo("pass");
    }

    @Test
    void rfc6376_3_5_bodyLength_isHonouredAndFlagged() throws Exception {
        // l= signed by hand: the signer never emits it, so build the tags directly
        byte[] msg = MSG.getBytes(StandardCharsets.ISO_8859_1);
        MessageSink sink = new MessageSink(h -> null);
        sink.copy(new java.io.ByteArrayInputStream(msg));
        BodyHasher h = new BodyHasher(Canonicalization.RELAXED, DkimAlgorithm.RSA_SHA256.newDigest(), 8);
        new MessageSink(x -> h).copy(new java.io.ByteArrayInputStream(msg));
        java.util.LinkedHashMap<String, String> tags = new java.util.LinkedHashMap<>();
        tags.put("v", "1");
        tags.put("a", "rsa-sha256");
        tags.put("c", "relaxed/relaxed");
        tags.put("d", "example.com");
        tags.put("s", "sel");
        tags.put("l", "8");
        tags.put("h", "from:subject");
        tags.put("bh", java.util.Base64.getEncoder().encodeToString(h.finish()));
        String field = DkimSigner.signWithTags(rsa, Canonicalization.RELAXED, sink.headers(), tags);
        FakeDns dns = new FakeDns().txt("sel._domainkey.example.com", rsa.dnsRecord());
        byte[] signed = (field + "\r\n" + MSG + "appended by a list\r\n").getBytes(StandardCharsets.ISO_8859_1);
        DkimResult r = one(dns, signed);
        assertThat(r.result()).isEqualTo("pass");
        assertThat(r.bodyLengthLimited()).isTrue();
        assertThat(r.reason()).contains("covers only part");

        String tooLong = field.replace("l=8;", "l=9999;");
        assertThat(one(dns, (tooLong + "\r\n" + MSG).getBytes(StandardCharsets.ISO_8859_1)).reason()).contains("exceeds");
    }

    @Test
    void maxSignatures_boundsWork() throws Exception {
        SignSpec s = spec(ed);
        byte[] msg = sign(s, s, s, s, s, s, s);
        FakeDns dns = new FakeDns().txt("sel._domainkey.example.com", ed.dnsRecord());
        List<DkimResult> r = verifier(dns).verify(msg);
        assertThat(r).hasSize(7);
        assertThat(r.subList(0, 5)).allSatisfy(x -> assertThat(x.result()).isEqualTo("pass"));
        assertThat(r.subList(5, 7)).allSatisfy(x -> assertThat(x.result()).isEqualTo("neutral"));
        assertThat(dns.queries).isEqualTo(5);
        DkimVerifier two = new DkimVerifier(dns, DkimVerifier.Options.defaults().clock(() -> NOW).maxSignatures(2));
        assertThat(two.verify(msg).stream().filter(x -> x.result().equals("pass"))).hasSize(2);
    }

    @Test
    void dualSigning_rsaAndEd25519_bothPass() throws Exception {
        FakeDns dns = new FakeDns().txt("rsa._domainkey.example.com", rsa.dnsRecord())
                .txt("ed._domainkey.example.com", ed.dnsRecord());
        byte[] msg = sign(new SignSpec(rsa, "example.com", "rsa").clock(() -> NOW),
                new SignSpec(ed, "example.com", "ed").clock(() -> NOW).canonicalization(Canonicalization.SIMPLE, Canonicalization.SIMPLE));
        assertThat(verifier(dns).verify(msg)).hasSize(2).allSatisfy(x -> assertThat(x.result()).isEqualTo("pass"));
    }

    @Test
    void malformedSignatures_arePermerrors() throws Exception {
        FakeDns dns = new FakeDns();
        String[] bad = {"v=2; a=rsa-sha256; d=example.com; s=s; h=from; bh=AA==; b=AA==",
                "v=1; a=rsa-sha256; d=example.com; s=s; h=to; bh=AA==; b=AA==",
                "v=1; a=rsa-md5; d=example.com; s=s; h=from; bh=AA==; b=AA==",
                "v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=AA==; b=AA==; i=joe@other.example",
                "v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=AA==; b=AA==; b=AA==",
                "v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=!!; b=AA==",
                "v=1; a=rsa-sha256; s=s; h=from; bh=AA==; b=AA=="};
        for (String b : bad) {
            byte[] msg = ("DKIM-Signature: " + b + "\r\n" + MSG).getBytes(StandardCharsets.ISO_8859_1);
            DkimResult r = one(dns, msg);
            assertThat(r.result()).as(b).isEqualTo("permerror");
            assertThat(r.reason()).as(b).isNotEmpty();
        }
        assertThat(dns.queries).isZero();
    }

    @Test
    void unsignedMessage_hasNoResults() throws Exception {
        assertThat(verifier(new FakeDns()).verify(MSG.getBytes(StandardCharsets.ISO_8859_1))).isEmpty();
    }

    @Test
    void tagList_rfc6376_3_2() throws Exception {
        TagList t = TagList.parse(" v = 1 ;\r\n a=rsa-sha256;h=from : to\r\n\t: subject ; ");
        assertThat(t.get("v")).isEqualTo("1");
        assertThat(t.get("h")).isEqualTo("from : to\r\n\t: subject");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TagList.parse("a=1; a=2"))
                .hasMessageContaining("duplicate");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TagList.parse("a=1; junk"))
                .hasMessageContaining("no '='");
    }

    @Test
    void withEmptyB_removesOnlyTheBValue() {
        assertThat(DkimSignature.withEmptyB("DKIM-Signature: a=1; bh=XYZ; b=abc\r\n def; x=2"))
                .isEqualTo("DKIM-Signature: a=1; bh=XYZ; b=; x=2");
    }
}

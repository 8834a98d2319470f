package io.mailsec.dkim;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

import io.mailsec.core.dns.DnsResolver;
import io.mailsec.core.dns.DnsResult;
import io.mailsec.core.dns.DnsStatus;

/**
 * Verifies the DKIM-Signature fields of a message (RFC 6376 §6, RFC 8301, RFC 8463). The message is
 * streamed: headers are collected (bounded), the body flows through one {@link BodyHasher} per
 * distinct (canonicalization, hash, l=) combination. Key records come from a {@link DnsResolver};
 * timeouts and server failures give temperror, missing records permerror.
 */
public final class DkimVerifier {
    /**
     * One per thread (a Signature is not thread-safe; initVerify resets it): getInstance and the
     * provider choice on the first initVerify cost as much as the hashing of a 10 KB message.
     */
    private static final ThreadLocal<Signature> RSA_SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return Signature.getInstance("SHA256withRSA");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA256withRSA missing from the JDK", e);
        }
    });
    private final DnsResolver dns;
    private final Options options;
    private final KeyRecords keys;

    public DkimVerifier(DnsResolver dns, Options options, KeyRecords keys) {
        this.dns = Objects.requireNonNull(dns);
        this.options = Objects.requireNonNull(options);
        this.keys = Objects.requireNonNull(keys);
    }

    public DkimVerifier(DnsResolver dns, Options options) {
        this(dns, options, new KeyRecords());
    }

    public DkimVerifier(DnsResolver dns) {
        this(dns, Options.defaults());
    }

    /** Verifier settings: a small validating value object. */
    public static final class Options {
        private final int maxSignatures;
        private final long clockSkewSeconds;
        private final int minRsaBits;
        private final LongSupplier clock;

        private Options(int maxSignatures, long clockSkewSeconds, int minRsaBits, LongSupplier clock) {
            if (maxSignatures < 1) {
                throw new IllegalArgumentException("maxSignatures must be at least 1, got " + maxSignatures);
            }
            if (clockSkewSeconds < 0) {
                throw new IllegalArgumentException("clockSkewSeconds must not be negative, got " + clockSkewSeconds);
            }
            if (minRsaBits < 1024) {
                throw new IllegalArgumentException("minRsaBits must be at least 1024 (RFC 8301), got " + minRsaBits);
            }
            this.maxSignatures = maxSignatures;
            this.clockSkewSeconds = clockSkewSeconds;
            this.minRsaBits = minRsaBits;
            this.clock = Objects.requireNonNull(clock);
        }

        public static Options defaults() {
            return new Options(5, 300, 1024, () -> System.currentTimeMillis() / 1000);
        }

        public Options maxSignatures(int n) {
            return new Options(n, clockSkewSeconds, minRsaBits, clock);
        }

        public Options clockSkewSeconds(long s) {
            return new Options(maxSignatures, s, minRsaBits, clock);
        }

        public Options minRsaBits(int bits) {
            return new Options(maxSignatures, clockSkewSeconds, bits, clock);
        }

        /** Seconds since the epoch (tests pin the time of a vector). */
        public Options clock(LongSupplier epochSeconds) {
            return new Options(maxSignatures, clockSkewSeconds, minRsaBits, epochSeconds);
        }

        public int maxSignatures() {
            return maxSignatures;
        }
    }

    public List<DkimResult> verify(byte[] message) throws IOException {
        Session s = newSession();
        s.write(message, 0, message.length);
        return s.results();
    }

    public List<DkimResult> verify(InputStream message) throws IOException {
        Session s = newSession();
        s.copy(message);
        return s.results();
    }

    /** A sink for one message; write the message (e.g. {@code MimeMessage.writeTo(session)}), close, read results. */
    public Session newSession() {
        return new Session();
    }

    public final class Session extends MessageStream {
        private final List<Candidate> candidates = new ArrayList<>();
        private List<HeaderField> headers = Collections.emptyList();
        private final List<DkimResult> skipped = new ArrayList<>();
        private List<DkimResult> results;

        Session() {
        }

        @Override
        protected OutputStream onHeaders(List<HeaderField> fields) {
            headers = fields;
            Map<String, BodyHasher> hashers = new HashMap<>();
            int seen = 0;
            for (HeaderField f : fields) {
                if (!f.lowerName().equals("dkim-signature")) {
                    continue;
                }
                seen++;
                if (seen > options.maxSignatures) {
                    String[] p = DkimSignature.peek(f);
                    skipped.add(new DkimResult(p[0], p[1], p[2], DkimResult.Status.NEUTRAL,
                            "not evaluated: more than " + options.maxSignatures + " signatures", null, false, false, null));
                    continue;
                }
                Candidate c = new Candidate(f);
                try {
                    c.sig = DkimSignature.parse(f);
                    String key = c.sig.bodyCanonicalization() + "/" + c.sig.algorithm().hashTag() + "/" + c.sig.bodyLength();
                    c.hasher = hashers.computeIfAbsent(key, k -> new BodyHasher(c.sig.bodyCanonicalization(),
                            c.sig.algorithm().newDigest(), c.sig.bodyLength()));
                } catch (DkimException e) {
                    c.error = e.getMessage();
                }
                candidates.add(c);
            }
            if (hashers.isEmpty()) {
                return OutputStream.nullOutputStream();
            }
            return toAll(new ArrayList<>(hashers.values()));
        }

        /** One result per DKIM-Signature field, top to bottom; empty when the message is unsigned. */
        public List<DkimResult> results() throws IOException {
            if (results == null) {
                close();
                List<DkimResult> out = new ArrayList<>();
                HeaderIndex index = new HeaderIndex(headers);
                for (Candidate c : candidates) {
                    out.add(evaluate(c, index));
                }
                out.addAll(skipped);
                results = Collections.unmodifiableList(out);
            }
            return results;
        }
    }

    private static final class Candidate {
        final HeaderField field;
        DkimSignature sig;
        BodyHasher hasher;
        String error;

        Candidate(HeaderField field) {
            this.field = field;
        }
    }

    private DkimResult evaluate(Candidate c, HeaderIndex headers) {
        if (c.sig == null) {
            String[] p = DkimSignature.peek(c.field);
            return new DkimResult(p[0], p[1], p[2], DkimResult.Status.PERMERROR, c.error, null, false, false, null);
        }
        DkimSignature sig = c.sig;
        long now = options.clock.getAsLong();
        if (sig.algorithm() == DkimAlgorithm.RSA_SHA1) {
            return result(sig, DkimResult.Status.PERMERROR, "rsa-sha1 is not accepted (RFC 8301)", false);
        }
        if (sig.expiry() >= 0 && sig.expiry() + options.clockSkewSeconds < now) {
            return result(sig, DkimResult.Status.PERMERROR, "signature expired (x=" + sig.expiry() + ")", false);
        }
        if (sig.timestamp() >= 0 && sig.timestamp() > now + options.clockSkewSeconds) {
            return result(sig, DkimResult.Status.PERMERROR, "signature timestamp in the future (t=" + sig.timestamp() + ")", false);
        }
        byte[] bh = c.hasher.finish();
        if (sig.bodyLength() >= 0 && c.hasher.canonicalLength() < sig.bodyLength()) {
            return result(sig, DkimResult.Status.PERMERROR, "l=" + sig.bodyLength() + " exceeds the body length "
                    + c.hasher.canonicalLength(), false);
        }
        if (!MessageDigest.isEqual(bh, sig.bodyHashRef())) {
            return result(sig, DkimResult.Status.FAIL, "body hash did not verify", false);
        }
        String name = sig.selector() + "._domainkey." + sig.domain();
        DnsResult<String> txt = dns.txt(name);
        if (txt.status().isTemporary()) {
            return result(sig, DkimResult.Status.TEMPERROR, "key lookup " + name + ": " + txt.detail(), false);
        }
        if (txt.status() != DnsStatus.OK) {
            return result(sig, DkimResult.Status.PERMERROR, "no key record at " + name + " ("
                    + txt.status().name().toLowerCase(Locale.ROOT) + ")", false);
        }
        KeyRecord key = null;
        String keyError = null;
        for (String record : txt.records()) {
            try {
                key = keys.parse(record);
                break;
            } catch (DkimException e) {
                keyError = e.getMessage();
            }
        }
        if (key == null) {
            return result(sig, DkimResult.Status.PERMERROR, "invalid key record: " + keyError, false);
        }
        boolean testing = key.testing();
        if (key.revoked()) {
            return result(sig, DkimResult.Status.PERMERROR, "key revoked (empty p=)", testing);
        }
        if (!key.keyType().equals(sig.algorithm().keyType())) {
            return result(sig, DkimResult.Status.PERMERROR, "key type k=" + key.keyType() + " does not match a="
                    + sig.algorithm().tag(), testing);
        }
        if (!key.hashes().isEmpty() && !key.hashes().contains(sig.algorithm().hashTag())) {
            return result(sig, DkimResult.Status.PERMERROR, "key h=" + String.join(":", key.hashes())
                    + " does not allow " + sig.algorithm().hashTag(), testing);
        }
        if (!key.services().contains("*") && !key.services().contains("email")) {
            return result(sig, DkimResult.Status.PERMERROR, "key s=" + String.join(":", key.services())
                    + " is not for email", testing);
        }
        if (key.strictIdentity() && sig.identity() != null) {
            String idomain = sig.identity().substring(sig.identity().lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
            if (!idomain.equals(sig.domain())) {
                return result(sig, DkimResult.Status.PERMERROR, "key t=s forbids i= subdomain " + idomain, testing);
            }
        }
        if (key.keyType().equals("rsa") && key.bits() < options.minRsaBits) {
            return result(sig, DkimResult.Status.PERMERROR, "RSA key of " + key.bits() + " bits is shorter than "
                    + options.minRsaBits + " (RFC 8301)", testing);
        }
        byte[] data = headers.signedData(sig);
        boolean ok;
        try {
            ok = verifySignature(sig, key, data);
        } catch (GeneralSecurityException e) {
            ok = false;
        }
        if (!ok) {
            return result(sig, DkimResult.Status.FAIL, "signature did not verify", testing);
        }
        String reason = "signature ok";
        if (sig.bodyLength() >= 0) {
            reason += sig.bodyLength() < c.hasher.canonicalLength()
                    ? "; l=" + sig.bodyLength() + " covers only part of the body" : "; l= covers the whole body";
        }
        if (testing) {
            reason += "; key in testing mode (t=y)";
        }
        return result(sig, DkimResult.Status.PASS, reason, testing);
    }

    static boolean verifySignature(DkimSignature sig, KeyRecord key, byte[] data) throws GeneralSecurityException {
        if (sig.algorithm() == DkimAlgorithm.ED25519_SHA256) {
            byte[] hash = DkimAlgorithm.ED25519_SHA256.newDigest().digest(data);
            byte[] s = sig.signatureRef();
            return s.length == 64 && org.bouncycastle.math.ec.rfc8032.Ed25519.verify(s, 0, key.ed25519KeyRef(), 0, hash, 0, hash.length);
        }
        Signature verifier = RSA_SHA256.get();
        verifier.initVerify(key.rsaKey());
        verifier.update(data);
        return verifier.verify(sig.signatureRef());
    }

    private static DkimResult result(DkimSignature sig, DkimResult.Status status, String reason, boolean testing) {
        return new DkimResult(sig.domain(), sig.selector(), sig.algorithm().tag(), status, reason, sig.identity(),
                sig.bodyLength() >= 0, testing, sig.shortB());
    }

    /** Header fields by lower-case name, for picking signed instances bottom-up (RFC 6376 §5.4.2). */
    static final class HeaderIndex {
        private final Map<String, List<HeaderField>> byName = new HashMap<>();

        HeaderIndex(List<HeaderField> headers) {
            for (HeaderField f : headers) {
                byName.computeIfAbsent(f.lowerName(), k -> new ArrayList<>(2)).add(f);
            }
        }

        /** Canonicalized signed header fields followed by the DKIM-Signature itself with b= emptied, no final CRLF. */
        byte[] signedData(DkimSignature sig) {
            return signedData(sig.signedHeaders(), sig.headerCanonicalization(), sig.field().raw());
        }

        byte[] signedData(List<String> names, Canonicalization canon, String signatureField) {
            StringBuilder sb = new StringBuilder(1024);
            Map<String, Integer> used = new HashMap<>();
            for (String name : names) {
                List<HeaderField> instances = byName.get(name);
                int u = used.getOrDefault(name, 0);
                if (instances != null && u < instances.size()) {
                    sb.append(canon.header(instances.get(instances.size() - 1 - u).raw()));
                }
                used.put(name, u + 1);
            }
            String self = canon.header(DkimSignature.withEmptyB(signatureField));
            sb.append(self, 0, self.length() - 2);
            return Canonicalization.bytes(sb.toString());
        }
    }
}

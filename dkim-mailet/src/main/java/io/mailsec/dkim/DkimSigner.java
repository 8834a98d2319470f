package io.mailsec.dkim;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Creates DKIM-Signature header fields (RFC 6376 §5, RFC 8463). The body is hashed while it streams
 * (one hasher per body canonicalization, shared by all signatures that use it), so several
 * signatures (rotation overlap, RSA + Ed25519) cost one pass over the body.
 */
public final class DkimSigner {
    private static final int LINE = 78;

    private DkimSigner() {
    }

    /** Signs a whole message; returns one header field per spec ("DKIM-Signature: ...", folded, no final CRLF). */
    public static List<String> sign(InputStream message, List<SignSpec> specs) throws IOException, DkimException {
        Session s = new Session(specs);
        s.copy(message);
        return s.signatures();
    }

    public static List<String> sign(byte[] message, List<SignSpec> specs) throws IOException, DkimException {
        Session s = new Session(specs);
        s.write(message, 0, message.length);
        return s.signatures();
    }

    /** A sink for one message: write it, then call {@link #signatures()}. */
    public static final class Session extends MessageStream {
        private final List<SignSpec> specs;
        private final Map<Canonicalization, BodyHasher> hashers = new EnumMap<>(Canonicalization.class);
        private List<HeaderField> headers = Collections.emptyList();

        public Session(List<SignSpec> specs) {
            this.specs = List.copyOf(specs);
        }

        @Override
        protected OutputStream onHeaders(List<HeaderField> fields) {
            headers = fields;
            for (SignSpec s : specs) {
                hashers.computeIfAbsent(s.bodyCanonicalization(),
                        c -> new BodyHasher(c, DkimAlgorithm.RSA_SHA256.newDigest()));
            }
            return toAll(new ArrayList<>(hashers.values()));
        }

        /** The header fields, in the order of the specs. */
        public List<String> signatures() throws IOException, DkimException {
            close();
            List<String> out = new ArrayList<>();
            DkimVerifier.HeaderIndex index = new DkimVerifier.HeaderIndex(headers);
            for (SignSpec spec : specs) {
                out.add(signOne(spec, headers, index, hashers.get(spec.bodyCanonicalization()).finish()));
            }
            return out;
        }
    }

    static String signOne(SignSpec spec, List<HeaderField> headers, DkimVerifier.HeaderIndex index, byte[] bodyHash)
            throws DkimException {
        boolean hasFrom = headers.stream().anyMatch(f -> f.lowerName().equals("from"));
        if (!hasFrom) {
            throw new DkimException("message has no From header field; DKIM requires signing it (RFC 6376 §5.4)");
        }
        List<String> names = spec.headers() != null ? spec.headers() : defaultHeaders(headers);
        LinkedHashMap<String, String> tags = new LinkedHashMap<>();
        tags.put("v", "1");
        tags.put("a", spec.key().algorithm().tag());
        tags.put("c", spec.headerCanonicalization().tag() + "/" + spec.bodyCanonicalization().tag());
        tags.put("d", spec.domain());
        tags.put("s", spec.selector());
        if (spec.identity() != null) {
            tags.put("i", spec.identity());
        }
        if (spec.timestamp() || spec.expirySeconds() >= 0) {
            long t = spec.now();
            if (spec.timestamp()) {
                tags.put("t", Long.toString(t));
            }
            if (spec.expirySeconds() >= 0) {
                tags.put("x", Long.toString(t + spec.expirySeconds()));
            }
        }
        tags.put("h", String.join(":", names));
        tags.put("bh", Base64.getEncoder().encodeToString(bodyHash));
        return signWithTags(spec.key(), spec.headerCanonicalization(), index, names, tags);
    }

    /**
     * Low level: signs with exactly these tags (in this order; "b" is appended last). Used to reproduce
     * published vectors, whose tag order and h= spelling are part of the signed data.
     */
    public static String signWithTags(SigningKey key, Canonicalization headerCanon, List<HeaderField> headers,
                                      LinkedHashMap<String, String> tags) throws DkimException {
        List<String> names = new ArrayList<>();
        for (String n : tags.get("h").split(":")) {
            names.add(TagList.trimFws(n).toLowerCase(java.util.Locale.ROOT));
        }
        return signWithTags(key, headerCanon, new DkimVerifier.HeaderIndex(headers), names, tags);
    }

    private static String signWithTags(SigningKey key, Canonicalization headerCanon, DkimVerifier.HeaderIndex index,
                                       List<String> names, LinkedHashMap<String, String> tags) throws DkimException {
        Folder f = new Folder("DKIM-Signature:");
        for (Map.Entry<String, String> e : tags.entrySet()) {
            if (e.getKey().equals("b")) {
                continue;
            }
            if (e.getKey().equals("h") && e.getValue().length() > 40) {
                String[] parts = e.getValue().split(":");
                for (int i = 0; i < parts.length; i++) {
                    String piece = (i == 0 ? "h=" : "") + parts[i] + (i == parts.length - 1 ? ";" : ":");
                    f.append(piece, i == 0);
                }
            } else {
                f.append(e.getKey() + "=" + e.getValue() + ";", true);
            }
        }
        f.append("b=", true);
        String unsigned = f.toString();
        byte[] data = index.signedData(names, headerCanon, unsigned);
        byte[] sig;
        try {
            sig = sign(key, data);
        } catch (GeneralSecurityException e) {
            throw new DkimException("signing with " + key.source() + " failed: " + e.getMessage(), e);
        }
        String b64 = Base64.getEncoder().encodeToString(sig);
        for (int i = 0; i < b64.length(); i += 64) {
            f.appendRaw(b64.substring(i, Math.min(b64.length(), i + 64)));
        }
        return f.toString();
    }

    static byte[] sign(SigningKey key, byte[] data) throws GeneralSecurityException {
        if (key.type() == SigningKey.Type.ED25519) {
            byte[] hash = DkimAlgorithm.ED25519_SHA256.newDigest().digest(data);
            byte[] sig = new byte[64];
            org.bouncycastle.math.ec.rfc8032.Ed25519.sign(key.seedRef(), 0, key.ed25519PublicRef(), 0, hash, 0,
                    hash.length, sig, 0);
            return sig;
        }
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(key.rsaKey());
        s.update(data);
        return s.sign();
    }

    /** Present default headers (each instance), List-* fields, then From once more (over-signing). */
    static List<String> defaultHeaders(List<HeaderField> headers) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        Set<String> lists = new LinkedHashSet<>();
        for (HeaderField f : headers) {
            counts.merge(f.lowerName(), 1, Integer::sum);
            if (f.lowerName().startsWith("list-")) {
                lists.add(f.lowerName());
            }
        }
        List<String> names = new ArrayList<>();
        for (String n : SignSpec.DEFAULT_HEADERS) {
            for (int i = 0; i < counts.getOrDefault(n, 0); i++) {
                names.add(n);
            }
        }
        for (String l : lists) {
            for (int i = 0; i < counts.get(l); i++) {
                names.add(l);
            }
        }
        names.add("from");
        return names;
    }

    /** Folds a header field at 78 columns, breaking only where FWS is allowed. */
    private static final class Folder {
        private final StringBuilder sb;
        private int col;

        Folder(String start) {
            sb = new StringBuilder(512).append(start);
            col = start.length();
        }

        void append(String piece, boolean space) {
            if (col + piece.length() + 1 > LINE) {
                sb.append("\r\n\t");
                col = 1;
            } else if (space) {
                sb.append(' ');
                col++;
            }
            sb.append(piece);
            col += piece.length();
        }

        void appendRaw(String piece) {
            if (col + piece.length() > LINE) {
                sb.append("\r\n\t");
                col = 1;
            }
            sb.append(piece);
            col += piece.length();
        }

        @Override
        public String toString() {
            return sb.toString();
        }
    }
}

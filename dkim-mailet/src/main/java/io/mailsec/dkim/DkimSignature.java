package io.mailsec.dkim;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** A parsed and syntax-checked DKIM-Signature header field (RFC 6376 §3.5, §6.1.1). */
public final class DkimSignature {
    private final HeaderField field;
    private final TagList tags;
    private final DkimAlgorithm algorithm;
    private final byte[] signature;
    private final byte[] bodyHash;
    private final Canonicalization headerCanon;
    private final Canonicalization bodyCanon;
    private final String domain;
    private final String selector;
    private final List<String> signedHeaders;
    private final String identity;
    private final long length;
    private final long timestamp;
    private final long expiry;
    private final String shortB;

    private DkimSignature(HeaderField field, TagList tags, DkimAlgorithm algorithm, byte[] signature, byte[] bodyHash,
                          Canonicalization headerCanon, Canonicalization bodyCanon, String domain, String selector,
                          List<String> signedHeaders, String identity, long length, long timestamp, long expiry,
                          String shortB) {
        this.shortB = shortB;
        this.field = field;
        this.tags = tags;
        this.algorithm = algorithm;
        this.signature = signature;
        this.bodyHash = bodyHash;
        this.headerCanon = headerCanon;
        this.bodyCanon = bodyCanon;
        this.domain = domain;
        this.selector = selector;
        this.signedHeaders = signedHeaders;
        this.identity = identity;
        this.length = length;
        this.timestamp = timestamp;
        this.expiry = expiry;
    }

    /** Best-effort d=, s= and a= of a field that may not parse (for reporting). */
    public static String[] peek(HeaderField field) {
        String d = "";
        String s = "";
        String a = "";
        try {
            TagList t = TagList.parse(field.value());
            d = nonNull(t.get("d"));
            s = nonNull(t.get("s"));
            a = nonNull(t.get("a"));
        } catch (DkimException e) {
            // keep blanks
        }
        return new String[] {d.toLowerCase(Locale.ROOT), s, a.toLowerCase(Locale.ROOT)};
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    public static DkimSignature parse(HeaderField field) throws DkimException {
        TagList t = TagList.parse(field.value());
        String v = t.get("v");
        if (v == null) {
            throw new DkimException("missing v= tag");
        }
        if (!"1".equals(v)) {
            throw new DkimException("unsupported version v=" + TagList.abbreviate(v));
        }
        for (String required : new String[] {"a", "b", "bh", "d", "h", "s"}) {
            if (t.get(required) == null) {
                throw new DkimException("missing required tag " + required + "=");
            }
        }
        DkimAlgorithm algorithm = DkimAlgorithm.of(TagList.stripWhitespace(t.get("a")));
        String bText = TagList.stripWhitespace(t.get("b"));
        byte[] b = base64(bText, "b");
        if (b.length == 0) {
            throw new DkimException("empty b= tag");
        }
        byte[] bh = base64(t.get("bh"), "bh");
        if (bh.length == 0) {
            throw new DkimException("empty bh= tag");
        }
        Canonicalization hc = Canonicalization.SIMPLE;
        Canonicalization bc = Canonicalization.SIMPLE;
        String c = t.get("c");
        if (c != null) {
            c = TagList.stripWhitespace(c);
            int slash = c.indexOf('/');
            hc = Canonicalization.of(slash < 0 ? c : c.substring(0, slash));
            if (slash >= 0) {
                bc = Canonicalization.of(c.substring(slash + 1));
            }
        }
        String domain = TagList.stripWhitespace(t.get("d")).toLowerCase(Locale.ROOT);
        if (!isDomain(domain)) {
            throw new DkimException("invalid d=" + TagList.abbreviate(domain));
        }
        String selector = TagList.stripWhitespace(t.get("s"));
        if (!isDomain(selector)) {
            throw new DkimException("invalid s=" + TagList.abbreviate(selector));
        }
        List<String> h = new ArrayList<>();
        for (String name : t.get("h").split(":", -1)) {
            String n = TagList.trimFws(name).toLowerCase(Locale.ROOT);
            if (n.isEmpty()) {
                throw new DkimException("empty header name in h=");
            }
            h.add(n);
        }
        if (!h.contains("from")) {
            throw new DkimException("h= does not include From (RFC 6376 §5.4)");
        }
        String identity = t.get("i");
        if (identity != null) {
            identity = TagList.stripWhitespace(identity);
            int at = identity.lastIndexOf('@');
            if (at < 0) {
                throw new DkimException("i= has no '@'");
            }
            String idomain = identity.substring(at + 1).toLowerCase(Locale.ROOT);
            if (!idomain.equals(domain) && !idomain.endsWith("." + domain)) {
                throw new DkimException("i= domain " + idomain + " is not d=" + domain + " or a subdomain of it");
            }
        }
        long l = number(t.get("l"), "l");
        String q = t.get("q");
        if (q != null) {
            boolean dns = false;
            for (String m : TagList.stripWhitespace(q).split(":")) {
                dns |= m.equalsIgnoreCase("dns/txt");
            }
            if (!dns) {
                throw new DkimException("q= does not offer dns/txt");
            }
        }
        long ts = number(t.get("t"), "t");
        long x = number(t.get("x"), "x");
        if (ts >= 0 && x >= 0 && x < ts) {
            throw new DkimException("x= is before t=");
        }
        return new DkimSignature(field, t, algorithm, b, bh, hc, bc, domain, selector,
                Collections.unmodifiableList(h), identity, l, ts, x, bText.length() > 8 ? bText.substring(0, 8) : bText);
    }

    private static byte[] base64(String value, String tag) throws DkimException {
        try {
            return Base64.getDecoder().decode(TagList.stripWhitespace(value));
        } catch (IllegalArgumentException e) {
            throw new DkimException("invalid base64 in " + tag + "=");
        }
    }

    private static long number(String value, String tag) throws DkimException {
        if (value == null) {
            return -1;
        }
        String v = TagList.stripWhitespace(value);
        if (v.isEmpty() || v.length() > 18 || !v.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            throw new DkimException("invalid " + tag + "=" + TagList.abbreviate(v));
        }
        return Long.parseLong(v);
    }

    static boolean isDomain(String d) {
        if (d.isEmpty() || d.length() > 253 || d.startsWith(".") || d.endsWith(".") || d.contains("..")) {
            return false;
        }
        for (int i = 0; i < d.length(); i++) {
            char ch = d.charAt(i);
            if (!(ch < 128 && (Character.isLetterOrDigit(ch) || ch == '-' || ch == '.' || ch == '_'))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The header field with the b= value (and the whitespace around it) removed (RFC 6376 §3.7):
     * the text that is hashed as the last "signed header".
     */
    public static String withEmptyB(String raw) {
        int colon = raw.indexOf(':');
        StringBuilder sb = new StringBuilder(raw.length());
        sb.append(raw, 0, colon + 1);
        int pos = colon + 1;
        int n = raw.length();
        while (pos <= n) {
            int semi = raw.indexOf(';', pos);
            int end = semi < 0 ? n : semi;
            int eq = raw.indexOf('=', pos);
            if (eq >= 0 && eq < end && TagList.trimFws(raw.substring(pos, eq)).equals("b")) {
                sb.append(raw, pos, eq + 1);
            } else {
                sb.append(raw, pos, end);
            }
            if (semi < 0) {
                break;
            }
            sb.append(';');
            pos = semi + 1;
        }
        return sb.toString();
    }

    public HeaderField field() {
        return field;
    }

    public TagList tags() {
        return tags;
    }

    public DkimAlgorithm algorithm() {
        return algorithm;
    }

    public byte[] signature() {
        return signature.clone();
    }

    byte[] signatureRef() {
        return signature;
    }

    public byte[] bodyHash() {
        return bodyHash.clone();
    }

    byte[] bodyHashRef() {
        return bodyHash;
    }

    public Canonicalization headerCanonicalization() {
        return headerCanon;
    }

    public Canonicalization bodyCanonicalization() {
        return bodyCanon;
    }

    public String domain() {
        return domain;
    }

    public String selector() {
        return selector;
    }

    public List<String> signedHeaders() {
        return signedHeaders;
    }

    /** i= as given, or null. */
    public String identity() {
        return identity;
    }

    /** l= or -1. */
    public long bodyLength() {
        return length;
    }

    /** t= or -1. */
    public long timestamp() {
        return timestamp;
    }

    /** x= or -1. */
    public long expiry() {
        return expiry;
    }

    /** The first 8 characters of b= (RFC 6008 header.b). */
    public String shortB() {
        return shortB;
    }
}

package io.mailsec.dkim;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** RFC 6376 §3.4 canonicalization algorithms. Body canonicalization is streamed by {@link BodyHasher}. */
public enum Canonicalization {
    SIMPLE("simple"),
    RELAXED("relaxed");

    private final String tag;

    Canonicalization(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }

    public static Canonicalization of(String tag) throws DkimException {
        switch (tag.toLowerCase(Locale.ROOT)) {
            case "simple":
                return SIMPLE;
            case "relaxed":
                return RELAXED;
            default:
                throw new DkimException("unknown canonicalization '" + TagList.abbreviate(tag) + "'");
        }
    }

    /** Canonical form of one header field, with the trailing CRLF (§3.4.1, §3.4.2). */
    public String header(String raw) {
        if (this == SIMPLE) {
            return raw + "\r\n";
        }
        int colon = raw.indexOf(':');
        StringBuilder sb = new StringBuilder(raw.length() + 2);
        String name = colon < 0 ? raw : raw.substring(0, colon);
        sb.append(TagList.trimFws(name).toLowerCase(Locale.ROOT)).append(':');
        if (colon >= 0) {
            appendRelaxedValue(sb, raw, colon + 1, raw.length());
        }
        return sb.append("\r\n").toString();
    }

    /** Unfolds, collapses WSP runs to one SP, drops leading/trailing WSP. */
    static void appendRelaxedValue(StringBuilder sb, String raw, int from, int to) {
        boolean pendingSpace = false;
        boolean any = false;
        for (int i = from; i < to; i++) {
            char c = raw.charAt(i);
            if (c == '\r' || c == '\n') {
                continue;
            }
            if (c == ' ' || c == '\t') {
                pendingSpace = true;
                continue;
            }
            if (pendingSpace && any) {
                sb.append(' ');
            }
            pendingSpace = false;
            sb.append(c);
            any = true;
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}

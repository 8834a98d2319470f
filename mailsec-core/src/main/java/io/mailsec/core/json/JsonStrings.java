package io.mailsec.core.json;

import java.util.List;

/**
 * JSON string literals for the small documents the plugins write by hand on every mail (no JSON
 * library in the per-mail path, and none needed inside the plugin jars).
 */
public final class JsonStrings {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private JsonStrings() {
    }

    /** {@code s} as a JSON string literal, or {@code null}. */
    public static String quote(String s) {
        return s == null ? "null" : quote(new StringBuilder(s.length() + 2), s).toString();
    }

    /**
     * Appends {@code s} as a JSON string literal (or {@code null}): quote, backslash and the control
     * characters escaped as RFC 8259 requires, everything else as it is.
     */
    public static StringBuilder quote(StringBuilder b, String s) {
        if (s == null) {
            return b.append("null");
        }
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    b.append("\\\"");
                    break;
                case '\\':
                    b.append("\\\\");
                    break;
                case '\n':
                    b.append("\\n");
                    break;
                case '\r':
                    b.append("\\r");
                    break;
                case '\t':
                    b.append("\\t");
                    break;
                default:
                    if (c < 0x20) {
                        b.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                    } else {
                        b.append(c);
                    }
            }
        }
        return b.append('"');
    }

    /** Appends {@code list} as a JSON array of string literals. */
    public static StringBuilder array(StringBuilder b, List<String> list) {
        b.append('[');
        for (int i = 0; i < list.size(); i++) {
            quote(i > 0 ? b.append(',') : b, list.get(i));
        }
        return b.append(']');
    }
}

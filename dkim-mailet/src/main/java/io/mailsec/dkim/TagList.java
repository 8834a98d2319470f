package io.mailsec.dkim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A DKIM tag=value list (RFC 6376 §3.2): {@code tag-list = tag-spec *( ";" tag-spec ) [ ";" ]}.
 * Whitespace (FWS) around names and values is dropped; whitespace inside values is kept.
 * Duplicate tags and tags without "=" make the list invalid. Tag names are case-sensitive.
 */
public final class TagList {
    private final Map<String, String> tags;

    private TagList(Map<String, String> tags) {
        this.tags = Collections.unmodifiableMap(tags);
    }

    public static TagList parse(String text) throws DkimException {
        Map<String, String> tags = new LinkedHashMap<>();
        int len = text.length();
        int start = 0;
        while (start <= len) {
            int semi = text.indexOf(';', start);
            int end = semi < 0 ? len : semi;
            String spec = text.substring(start, end);
            if (!isBlank(spec)) {
                int eq = spec.indexOf('=');
                if (eq < 0) {
                    throw new DkimException("malformed tag-list: '" + abbreviate(spec.trim()) + "' has no '='");
                }
                String name = trimFws(spec.substring(0, eq));
                if (!isTagName(name)) {
                    throw new DkimException("malformed tag name '" + abbreviate(name) + "'");
                }
                String value = trimFws(spec.substring(eq + 1));
                if (tags.put(name, value) != null) {
                    throw new DkimException("duplicate tag " + name + "=");
                }
            }
            if (semi < 0) {
                break;
            }
            start = semi + 1;
        }
        return new TagList(tags);
    }

    public String get(String name) {
        return tags.get(name);
    }

    public boolean has(String name) {
        return tags.containsKey(name);
    }

    public Map<String, String> asMap() {
        return tags;
    }

    /** The value with all FWS removed (for base64 tags b=, bh=, p=). */
    public static String stripWhitespace(String value) {
        if (value == null) {
            return null;
        }
        int first = 0;
        while (first < value.length()) {
            char c = value.charAt(first);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                break;
            }
            first++;
        }
        if (first == value.length()) {
            return value;
        }
        StringBuilder sb = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    static boolean isBlank(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                return false;
            }
        }
        return true;
    }

    static String trimFws(String s) {
        int b = 0;
        int e = s.length();
        while (b < e && isFws(s.charAt(b))) {
            b++;
        }
        while (e > b && isFws(s.charAt(e - 1))) {
            e--;
        }
        return s.substring(b, e);
    }

    private static boolean isFws(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static boolean isTagName(String name) {
        if (name.isEmpty() || !Character.isLetter(name.charAt(0)) || name.charAt(0) > 127) {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c < 128 && (Character.isLetterOrDigit(c) || c == '_'))) {
                return false;
            }
        }
        return true;
    }

    static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}

package io.mailsec.av;

import java.util.Locale;

/**
 * A part's Content-Type (RFC 2045 §5): type/subtype in lower case and its parameters. A missing or
 * unparsable value gives the context's default (text/plain, or message/rfc822 in a digest), the way
 * RFC 2045 §5.2 tells readers to treat it.
 */
final class MediaType {
    private final String type;
    private final String subtype;
    private final MimeParameters parameters;

    private MediaType(String type, String subtype, MimeParameters parameters) {
        this.type = type;
        this.subtype = subtype;
        this.parameters = parameters;
    }

    /** {@code fallback} is a plain "type/subtype". */
    static MediaType parse(String fieldBody, String fallback) {
        if (fieldBody != null) {
            MimeParameters p = MimeParameters.parse(fieldBody);
            String v = p.value().toLowerCase(Locale.ROOT);
            int slash = v.indexOf('/');
            if (slash > 0) {
                String type = token(v.substring(0, slash));
                String sub = token(v.substring(slash + 1));
                if (!type.isEmpty() && !sub.isEmpty()) {
                    return new MediaType(type, sub, p);
                }
            }
        }
        int slash = fallback.indexOf('/');
        return new MediaType(fallback.substring(0, slash), fallback.substring(slash + 1), MimeParameters.parse(null));
    }

    /** The leading RFC 2045 token of {@code s} ("plain" of "plain garbage"). */
    private static String token(String s) {
        String t = s.trim();
        int end = 0;
        while (end < t.length() && t.charAt(end) > ' ' && t.charAt(end) < 127 && "()<>@,;:\\\"/[]?=".indexOf(t.charAt(end)) < 0) {
            end++;
        }
        return t.substring(0, end);
    }

    String baseType() {
        return type + "/" + subtype;
    }

    String subtype() {
        return subtype;
    }

    boolean isMultipart() {
        return type.equals("multipart");
    }

    /** The multipart boundary exactly as written (a byte string), or null. */
    String boundary() {
        return parameters.raw("boundary");
    }

    MimeParameters parameters() {
        return parameters;
    }
}

package io.mailsec.av;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.stream.NameValuePair;
import org.apache.james.mime4j.stream.RawBody;
import org.apache.james.mime4j.stream.RawField;
import org.apache.james.mime4j.stream.RawFieldParser;

/**
 * The value and parameters of a structured MIME field (Content-Type, Content-Disposition), tokenised
 * leniently by mime4j's field parser (quoted strings, comments, junk tolerated). Parameter values are
 * byte strings ({@link HeaderText}); {@link #text} gives the readable form of one, with RFC 2231
 * continuations and charsets and RFC 2047 encoded words decoded.
 */
final class MimeParameters {
    private final String value;
    /** lower-case name, as written (with any RFC 2231 "*", "*0", "*1*" suffix) → value */
    private final Map<String, String> params = new HashMap<>();

    private MimeParameters(String value) {
        this.value = value;
    }

    /** Parses a field body ({@code null}: no field, no parameters). */
    static MimeParameters parse(String fieldBody) {
        if (fieldBody == null) {
            return new MimeParameters("");
        }
        RawBody body = RawFieldParser.DEFAULT.parseRawBody(new RawField("X", HeaderText.byteString(fieldBody)));
        MimeParameters p = new MimeParameters(body.getValue() == null ? "" : body.getValue().trim());
        for (NameValuePair pair : body.getParams()) {
            String name = pair.getName().trim().toLowerCase(Locale.ROOT);
            if (!name.isEmpty() && pair.getValue() != null) {
                p.params.putIfAbsent(name, pair.getValue()); // the first occurrence counts, as for duplicate fields
            }
        }
        return p;
    }

    /** The field's main value ("multipart/mixed", "attachment"), as written. */
    String value() {
        return value;
    }

    /** A parameter's value exactly as written (a byte string), or null. */
    String raw(String name) {
        return params.get(name);
    }

    /**
     * A parameter's readable value, or null: RFC 2231 (name*, name*0*, name*1, ...) preferred over
     * the plain parameter, RFC 2047 encoded words decoded (common in the plain one, against the RFC).
     */
    String text(String name) {
        String extended = rfc2231(name);
        if (extended != null) {
            return extended;
        }
        String plain = params.get(name);
        if (plain == null) {
            return null;
        }
        String readable = HeaderText.text(plain.getBytes(StandardCharsets.ISO_8859_1));
        return readable.contains("=?") ? DecoderUtil.decodeEncodedWords(readable, DecodeMonitor.SILENT) : readable;
    }

    /** RFC 2231 §3-4: sections in order; "*" sections percent-encoded in the first one's charset. */
    private String rfc2231(String name) {
        TreeMap<Integer, String> sections = new TreeMap<>();
        Set<Integer> encoded = new HashSet<>();
        String single = params.get(name + "*");
        if (single != null) {
            sections.put(0, single);
            encoded.add(0);
        } else {
            String prefix = name + "*";
            for (Map.Entry<String, String> e : params.entrySet()) {
                String k = e.getKey();
                if (!k.startsWith(prefix) || k.length() == prefix.length()) {
                    continue;
                }
                boolean star = k.endsWith("*");
                String digits = k.substring(prefix.length(), star ? k.length() - 1 : k.length());
                if (digits.isEmpty() || digits.length() > 4 || !digits.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                int index = Integer.parseInt(digits);
                sections.put(index, e.getValue());
                if (star) {
                    encoded.add(index);
                }
            }
        }
        if (sections.isEmpty()) {
            return null;
        }
        Charset charset = null;
        ByteArrayOutputStream octets = new ByteArrayOutputStream();
        for (Map.Entry<Integer, String> s : sections.entrySet()) {
            String v = s.getValue();
            if (!encoded.contains(s.getKey())) {
                octets.writeBytes(v.getBytes(StandardCharsets.ISO_8859_1));
                continue;
            }
            if (s.getKey().equals(sections.firstKey())) {
                int q1 = v.indexOf('\'');
                int q2 = q1 < 0 ? -1 : v.indexOf('\'', q1 + 1);
                if (q2 > 0) {
                    charset = charset(v.substring(0, q1));
                    v = v.substring(q2 + 1);
                }
            }
            percentDecode(v, octets);
        }
        byte[] bytes = octets.toByteArray();
        return charset != null ? new String(bytes, charset) : HeaderText.text(bytes);
    }

    private static Charset charset(String name) {
        try {
            return name.isEmpty() ? null : Charset.forName(name.trim());
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            return null; // unknown charset: the octets decide (HeaderText.text)
        }
    }

    /** %XX → octet; a "%" not followed by two hex digits stays as it is. */
    private static void percentDecode(String v, ByteArrayOutputStream out) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '%' && i + 2 < v.length() && hex(v.charAt(i + 1)) >= 0 && hex(v.charAt(i + 2)) >= 0) {
                out.write(hex(v.charAt(i + 1)) << 4 | hex(v.charAt(i + 2)));
                i += 2;
            } else {
                out.write(c);
            }
        }
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }
}

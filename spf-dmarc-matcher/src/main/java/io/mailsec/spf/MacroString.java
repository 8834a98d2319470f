package io.mailsec.spf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A parsed macro-string (RFC 7208 §7.1): literal text and macro-expands, compiled once per record
 * so that evaluation only substitutes values.
 */
final class MacroString {
    /** Values a macro may refer to; {@code p} is computed lazily because it needs DNS. */
    interface Context {
        String value(char letter);
    }

    private static final class Macro {
        final char letter;
        final int digits;
        final boolean reverse;
        final String delimiters;
        final boolean upper;

        Macro(char letter, int digits, boolean reverse, String delimiters, boolean upper) {
            this.letter = letter;
            this.digits = digits;
            this.reverse = reverse;
            this.delimiters = delimiters;
            this.upper = upper;
        }
    }

    private final String source;
    /** Each element is a String literal or a Macro. */
    private final Object[] parts;
    private final boolean endsWithMacro;
    private final boolean constant;
    private final boolean usesP;

    private MacroString(String source, List<Object> parts, boolean endsWithMacro) {
        this.source = source;
        this.parts = parts.toArray();
        this.endsWithMacro = endsWithMacro;
        boolean c = true;
        boolean p = false;
        for (Object o : parts) {
            if (o instanceof Macro) {
                c = false;
                p |= ((Macro) o).letter == 'p';
            }
        }
        this.constant = c;
        this.usesP = p;
    }

    String source() {
        return source;
    }

    boolean usesP() {
        return usesP;
    }

    /**
     * Parses a macro-string. In explanations ({@code explanation == true}) spaces and the letters
     * c, r, t are allowed.
     */
    static MacroString parse(String s, boolean explanation) throws SpfSyntaxException {
        List<Object> parts = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        boolean endsWithMacro = false;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 1 >= s.length()) {
                    throw new SpfSyntaxException("lone '%' at end of '" + s + "'");
                }
                char n = s.charAt(i + 1);
                if (n == '%') {
                    lit.append('%');
                    i += 2;
                    endsWithMacro = true;
                    continue;
                } else if (n == '_') {
                    lit.append(' ');
                    i += 2;
                    endsWithMacro = true;
                    continue;
                } else if (n == '-') {
                    lit.append("%20");
                    i += 2;
                    endsWithMacro = true;
                    continue;
                } else if (n != '{') {
                    throw new SpfSyntaxException("invalid macro '%" + n + "' in '" + s + "'");
                }
                int close = s.indexOf('}', i + 2);
                if (close < 0) {
                    throw new SpfSyntaxException("unterminated macro in '" + s + "'");
                }
                if (lit.length() > 0) {
                    parts.add(lit.toString());
                    lit.setLength(0);
                }
                parts.add(macro(s.substring(i + 2, close), explanation, s));
                i = close + 1;
                endsWithMacro = true;
            } else {
                boolean ok = c >= 0x21 && c <= 0x7e || explanation && c == ' ';
                if (!ok) {
                    throw new SpfSyntaxException("invalid character 0x" + Integer.toHexString(c) + " in '" + s + "'");
                }
                lit.append(c);
                i++;
                endsWithMacro = false;
            }
        }
        if (lit.length() > 0) {
            parts.add(lit.toString());
        }
        return new MacroString(s, parts, endsWithMacro);
    }

    private static Macro macro(String body, boolean explanation, String whole) throws SpfSyntaxException {
        if (body.isEmpty()) {
            throw new SpfSyntaxException("empty macro in '" + whole + "'");
        }
        char letter = body.charAt(0);
        char lower = Character.toLowerCase(letter);
        if ("slodiphv".indexOf(lower) < 0 && !(explanation && "crt".indexOf(lower) >= 0)) {
            throw new SpfSyntaxException("invalid macro letter '" + letter + "' in '" + whole + "'");
        }
        int j = 1;
        int digits = 0;
        boolean hasDigits = false;
        while (j < body.length() && body.charAt(j) >= '0' && body.charAt(j) <= '9') {
            digits = Math.min(digits * 10 + (body.charAt(j) - '0'), 1000);
            hasDigits = true;
            j++;
        }
        if (hasDigits && digits == 0) {
            throw new SpfSyntaxException("macro digit transformer 0 in '" + whole + "'");
        }
        boolean reverse = false;
        if (j < body.length() && (body.charAt(j) == 'r' || body.charAt(j) == 'R')) {
            reverse = true;
            j++;
        }
        String delims = body.substring(j);
        for (int k = 0; k < delims.length(); k++) {
            if (".-+,/_=".indexOf(delims.charAt(k)) < 0) {
                throw new SpfSyntaxException("invalid macro delimiter '" + delims.charAt(k) + "' in '" + whole + "'");
            }
        }
        return new Macro(lower, hasDigits ? digits : 0, reverse, delims.isEmpty() ? "." : delims,
                Character.isUpperCase(letter));
    }

    /** True if this string may serve as a domain-spec: it ends in a macro or in "." toplabel ["."] (§7.1). */
    boolean isValidDomainSpec() {
        if (endsWithMacro) {
            return true;
        }
        String tail = parts.length == 0 || !(parts[parts.length - 1] instanceof String) ? "" : (String) parts[parts.length - 1];
        // The literal tail must contain "." toplabel, where the text before may come from macros.
        String t = tail.endsWith(".") ? tail.substring(0, tail.length() - 1) : tail;
        int dot = t.lastIndexOf('.');
        if (dot < 0) {
            return false;
        }
        return isTopLabel(t.substring(dot + 1));
    }

    static boolean isTopLabel(String label) {
        if (label.isEmpty()) {
            return false;
        }
        boolean alpha = false;
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            boolean alnum = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
            if (!alnum && c != '-') {
                return false;
            }
            alpha |= !(c >= '0' && c <= '9') && c != '-';
        }
        if (label.charAt(0) == '-' || label.charAt(label.length() - 1) == '-') {
            return false;
        }
        return alpha || label.indexOf('-') >= 0;
    }

    /** Expands the macros. */
    String expand(Context ctx) {
        if (constant) {
            return parts.length == 0 ? "" : (String) parts[0];
        }
        StringBuilder sb = new StringBuilder();
        for (Object o : parts) {
            if (o instanceof String) {
                sb.append((String) o);
            } else {
                sb.append(expand((Macro) o, ctx));
            }
        }
        return sb.toString();
    }

    private static String expand(Macro m, Context ctx) {
        String value = ctx.value(m.letter);
        if (value == null) {
            value = "";
        }
        String out;
        if (m.digits == 0 && !m.reverse && ".".equals(m.delimiters)) {
            out = value;
        } else {
            List<String> labels = split(value, m.delimiters);
            if (m.reverse) {
                java.util.Collections.reverse(labels);
            }
            if (m.digits > 0 && m.digits < labels.size()) {
                labels = labels.subList(labels.size() - m.digits, labels.size());
            }
            out = String.join(".", labels);
        }
        return m.upper ? urlEscape(out) : out;
    }

    private static List<String> split(String value, String delims) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            if (delims.indexOf(value.charAt(i)) >= 0) {
                out.add(value.substring(start, i));
                start = i + 1;
            }
        }
        out.add(value.substring(start));
        return out;
    }

    /** RFC 3986 percent-encoding of everything but the unreserved characters. */
    static String urlEscape(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~".indexOf(c) >= 0) {
                sb.append(c);
            } else {
                sb.append('%').append(String.format(Locale.ROOT, "%02X", (int) c));
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return source;
    }
}

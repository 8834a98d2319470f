package io.mailsec.dmarc;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.mailet.AttributeValue;

/**
 * Reads the DKIM stage's {@code mailsec.dkim.results} attribute. The one place that knows its format,
 * so it is easy to adapt. Accepted shapes:
 * <ul>
 * <li>a collection of strings {@code "domain;selector;algorithm;result;reason"} (fields after result optional);</li>
 * <li>a collection of maps with keys {@code domain} (or {@code d}), {@code selector} (or {@code s}), {@code result};</li>
 * <li>a single such string or map, or a string with one entry per line.</li>
 * </ul>
 * Entries that cannot be read are skipped (they cannot make DMARC pass).
 */
public final class DkimResultsAttribute {
    public static final String NAME = "mailsec.dkim.results";

    private DkimResultsAttribute() {
    }

    public static List<DmarcInput.Dkim> parse(AttributeValue<?> value) {
        List<DmarcInput.Dkim> out = new ArrayList<>();
        if (value != null) {
            add(out, value.value());
        }
        return out;
    }

    private static void add(List<DmarcInput.Dkim> out, Object v) {
        if (v instanceof AttributeValue) {
            add(out, ((AttributeValue<?>) v).value());
        } else if (v instanceof Collection) {
            for (Object o : (Collection<?>) v) {
                add(out, o);
            }
        } else if (v instanceof Map) {
            Map<?, ?> m = (Map<?, ?>) v;
            String d = str(m, "domain", "d");
            String s = str(m, "selector", "s");
            String r = str(m, "result", "status");
            if (d != null && r != null) {
                out.add(new DmarcInput.Dkim(d, s, r));
            }
        } else if (v instanceof String) {
            for (String line : ((String) v).split("\\r?\\n")) {
                DmarcInput.Dkim d = parseLine(line);
                if (d != null) {
                    out.add(d);
                }
            }
        }
    }

    /** "domain;selector;algorithm;result;reason" (reason may itself contain ';'). */
    static DmarcInput.Dkim parseLine(String line) {
        String[] f = line.trim().split(";", 5);
        if (f.length < 4 || f[0].isBlank()) {
            return null;
        }
        return new DmarcInput.Dkim(f[0].trim(), f[1].trim(), f[3].trim().toLowerCase(Locale.ROOT));
    }

    private static String str(Map<?, ?> m, String... keys) {
        for (String k : keys) {
            Object o = m.get(k);
            if (o instanceof AttributeValue) {
                o = ((AttributeValue<?>) o).value();
            }
            if (o != null) {
                return String.valueOf(o);
            }
        }
        return null;
    }
}

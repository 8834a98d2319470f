package io.mailsec.dmarc.james;

import io.mailsec.dmarc.DmarcInput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.mailet.AttributeValue;

import io.mailsec.dkim.DkimResult;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads the DKIM stage's {@code mailsec.dkim.results} attribute. The one place that knows its format,
 * so it is easy to adapt. Accepted shapes:
 * <ul>
 * <li>what {@code DkimVerify} writes: a String holding a JSON array of objects with {@code domain, selector,
 * algorithm, result, reason, identity, bodyLengthLimited, testing}; a signature whose key is in testing
 * mode ({@code testing=true}, RFC 6376 t=y) is not counted as a pass;</li>
 * <li>a collection of strings {@code "domain;selector;algorithm;result;reason"} (fields after result optional);</li>
 * <li>a collection of maps with keys {@code domain} (or {@code d}), {@code selector} (or {@code s}), {@code result};</li>
 * <li>a single such string or map, or a string with one entry per line.</li>
 * </ul>
 * Entries without a result are skipped (they cannot make DMARC pass); entries without a domain are kept
 * (a malformed signature is a {@code permerror}) and never align.
 */
public final class DkimResultsAttribute {
    public static final String NAME = "mailsec.dkim.results";
    private static final ObjectMapper JSON = new ObjectMapper();

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
        } else if (v instanceof String && ((String) v).trim().startsWith("[")) {
            addJson(out, (String) v);
        } else if (v instanceof String) {
            for (String line : ((String) v).split("\\r?\\n")) {
                DmarcInput.Dkim d = parseLine(line);
                if (d != null) {
                    out.add(d);
                }
            }
        }
    }

    /** DkimVerify's JSON array read as DMARC input, exactly as {@link #parse} reads the attribute. */
    public static List<DmarcInput.Dkim> fromJson(String json) {
        List<DmarcInput.Dkim> out = new ArrayList<>();
        addJson(out, json);
        return out;
    }

    /** Streaming read (DmarcCheck does this for every mail): unknown fields and non-objects are skipped. */
    private static void addJson(List<DmarcInput.Dkim> out, String json) {
        List<DmarcInput.Dkim> read = new ArrayList<>(2);
        try (JsonParser p = JSON.getFactory().createParser(json)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                return;
            }
            for (JsonToken t = p.nextToken(); t != null && t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (t == JsonToken.START_OBJECT) {
                    addEntry(read, p);
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            return; // unreadable: no DKIM result can make DMARC pass
        }
        out.addAll(read);
    }

    private static void addEntry(List<DmarcInput.Dkim> out, JsonParser p) throws IOException {
        String d = "";
        String s = null;
        String r = "";
        boolean testing = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.getCurrentName();
            JsonToken value = p.nextToken();
            if (value.isStructStart()) {
                p.skipChildren();
                continue;
            }
            switch (field) {
                case "domain":
                    d = p.getValueAsString("");
                    break;
                case "selector":
                    s = p.getValueAsString(null);
                    break;
                case "result":
                    r = p.getValueAsString("");
                    break;
                case "testing":
                    testing = p.getValueAsBoolean(false);
                    break;
                default:
                    break;
            }
        }
        addEntry(out, d, s, r, testing);
    }

    /**
     * The DKIM stage's results as DMARC input, exactly as {@link #parse} reads them from the
     * attribute's JSON: for a caller that has them at hand (MailAuthCheck), without the round trip.
     */
    public static List<DmarcInput.Dkim> fromResults(List<DkimResult> results) {
        List<DmarcInput.Dkim> out = new ArrayList<>(results.size());
        for (DkimResult r : results) {
            addEntry(out, r.domain(), r.selector(), r.result(), r.testing());
        }
        return out;
    }

    /**
     * A signature whose d= could not be read is kept (empty domain): it never aligns, but RFC 8601
     * §2.7.1 wants it reported as {@code dkim=permerror}, not as {@code dkim=none}. A "pass" without
     * a domain cannot be true and is dropped.
     */
    private static void addEntry(List<DmarcInput.Dkim> out, String d, String s, String r, boolean testing) {
        if (r == null || r.isEmpty() || d.isEmpty() && "pass".equalsIgnoreCase(r)) {
            return;
        }
        if (testing && "pass".equalsIgnoreCase(r)) {
            r = "neutral"; // RFC 6376 §3.6.1 t=y: not different from unsigned mail
        }
        out.add(new DmarcInput.Dkim(d, s, r));
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

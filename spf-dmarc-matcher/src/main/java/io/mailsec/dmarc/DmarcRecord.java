package io.mailsec.dmarc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A DMARC policy record (RFC 7489 §6.3, RFC 9989 §4.7): tags p, sp, np, pct, t, psd, adkim, aspf,
 * rua, ruf, fo, rf, ri. Unknown tags are kept and ignored.
 */
public final class DmarcRecord {
    private static final java.util.regex.Pattern TAG = java.util.regex.Pattern.compile("[a-z][a-z0-9_]*");
    private static final java.util.regex.Pattern PCT = java.util.regex.Pattern.compile("[0-9]{1,3}");
    private static final java.util.regex.Pattern URI = java.util.regex.Pattern.compile("(?i)[a-z][a-z0-9+.-]*:\\S+");
    private final Map<String, String> tags;
    private final DmarcPolicy p;
    private final DmarcPolicy sp;
    private final DmarcPolicy np;
    private final int pct;
    private final boolean testing;
    private final char psd;
    private final boolean strictDkim;
    private final boolean strictSpf;
    private final String text;

    private DmarcRecord(String text, Map<String, String> tags, DmarcPolicy p, DmarcPolicy sp, DmarcPolicy np, int pct,
                        boolean testing, char psd, boolean strictDkim, boolean strictSpf) {
        this.text = text;
        this.tags = tags;
        this.p = p;
        this.sp = sp;
        this.np = np;
        this.pct = pct;
        this.testing = testing;
        this.psd = psd;
        this.strictDkim = strictDkim;
        this.strictSpf = strictSpf;
    }

    /** True if the TXT string claims to be a DMARC record: starts with {@code v=DMARC1} then ';', space or end. */
    public static boolean isDmarc1(String txt) {
        String t = txt.trim();
        if (!t.startsWith("v")) {
            return false;
        }
        int eq = t.indexOf('=');
        if (eq < 0 || !t.substring(0, eq).trim().equals("v")) {
            return false;
        }
        String rest = t.substring(eq + 1).trim();
        if (!rest.startsWith("DMARC1")) {
            return false;
        }
        String after = rest.substring(6).trim();
        return after.isEmpty() || after.startsWith(";");
    }

    /**
     * Parses a record that {@link #isDmarc1} accepted.
     *
     * @throws DmarcSyntaxException for a tag without '=' or a value that is not allowed (permerror)
     */
    public static DmarcRecord parse(String txt) throws DmarcSyntaxException {
        Map<String, String> tags = new LinkedHashMap<>();
        boolean first = true;
        for (String part : txt.split(";")) {
            String spec = part.trim();
            if (spec.isEmpty()) {
                continue;
            }
            int eq = spec.indexOf('=');
            if (eq <= 0) {
                throw new DmarcSyntaxException("missing tag or value: \"" + txt.trim() + "\"");
            }
            String name = spec.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = spec.substring(eq + 1).trim();
            if (!TAG.matcher(name).matches()) {
                throw new DmarcSyntaxException("invalid tag name '" + name + "' in \"" + txt.trim() + "\"");
            }
            if (first && !name.equals("v")) {
                throw new DmarcSyntaxException("v=DMARC1 must be the first tag");
            }
            first = false;
            if (tags.containsKey(name)) {
                throw new DmarcSyntaxException("duplicate tag '" + name + "'");
            }
            tags.put(name, value);
        }
        DmarcPolicy p = DmarcPolicy.parse(tags.get("p"));
        DmarcPolicy sp = DmarcPolicy.parse(tags.get("sp"));
        DmarcPolicy np = DmarcPolicy.parse(tags.get("np"));
        if (tags.containsKey("p") && p == null) {
            p = null; // invalid p: handled like a missing p by the evaluator (RFC 7489 §6.6.3 step 6)
        }
        if (tags.containsKey("sp") && sp == null || tags.containsKey("np") && np == null) {
            throw new DmarcSyntaxException("invalid sp or np value in \"" + txt.trim() + "\"");
        }
        int pct = 100;
        if (tags.containsKey("pct")) {
            String v = tags.get("pct");
            if (!PCT.matcher(v).matches() || Integer.parseInt(v) > 100) {
                throw new DmarcSyntaxException("invalid pct value '" + v + "'");
            }
            pct = Integer.parseInt(v);
        }
        boolean testing = "y".equalsIgnoreCase(tags.getOrDefault("t", "n"));
        if (tags.containsKey("t") && !(tags.get("t").equalsIgnoreCase("y") || tags.get("t").equalsIgnoreCase("n"))) {
            throw new DmarcSyntaxException("invalid t value '" + tags.get("t") + "'");
        }
        char psd = 'u';
        if (tags.containsKey("psd")) {
            String v = tags.get("psd").toLowerCase(Locale.ROOT);
            if (!(v.equals("y") || v.equals("n") || v.equals("u"))) {
                throw new DmarcSyntaxException("invalid psd value '" + tags.get("psd") + "'");
            }
            psd = v.charAt(0);
        }
        boolean sd = alignment(tags, "adkim");
        boolean ss = alignment(tags, "aspf");
        return new DmarcRecord(txt, Collections.unmodifiableMap(tags), p, sp, np, pct, testing, psd, sd, ss);
    }

    private static boolean alignment(Map<String, String> tags, String name) throws DmarcSyntaxException {
        String v = tags.get(name);
        if (v == null || v.equalsIgnoreCase("r")) {
            return false;
        }
        if (v.equalsIgnoreCase("s")) {
            return true;
        }
        throw new DmarcSyntaxException("invalid " + name + " value '" + v + "'");
    }

    /** The p tag, or null when missing or invalid. */
    public DmarcPolicy policy() {
        return p;
    }

    /** The sp tag, or null. */
    public DmarcPolicy subdomainPolicy() {
        return sp;
    }

    /** The np tag (RFC 9091 / RFC 9989), or null. */
    public DmarcPolicy nonExistentPolicy() {
        return np;
    }

    public int pct() {
        return pct;
    }

    /** t=y (RFC 9989 testing mode). */
    public boolean testing() {
        return testing;
    }

    /** psd tag: 'y', 'n' or 'u' (default). */
    public char psd() {
        return psd;
    }

    public boolean strictDkim() {
        return strictDkim;
    }

    public boolean strictSpf() {
        return strictSpf;
    }

    /** True if a rua tag holds at least one URI (RFC 7489 §6.6.3 step 6: then a missing p means none). */
    public boolean hasRua() {
        String rua = tags.get("rua");
        if (rua == null) {
            return false;
        }
        List<String> uris = new ArrayList<>();
        for (String u : rua.split(",")) {
            if (URI.matcher(u.trim()).matches()) {
                uris.add(u.trim());
            }
        }
        return !uris.isEmpty();
    }

    public Map<String, String> tags() {
        return tags;
    }

    @Override
    public String toString() {
        return text;
    }
}

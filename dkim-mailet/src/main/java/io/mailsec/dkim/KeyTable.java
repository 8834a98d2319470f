package io.mailsec.dkim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The signing key table: one line per signing domain,
 * <pre>
 * # domain     options (name=value, whitespace separated)
 * example.com  selector=s2026 key=keys/example.com.pem alternateSelector=ed2026 alternateKey=keys/ed.key active=both
 * example.org  selector=mail key=/etc/dkim/org.pem subdomains=subdomain expiry=7d
 * </pre>
 * Options: {@code selector}, {@code key} (required; relative paths are relative to the table file),
 * {@code alternateSelector}, {@code alternateKey}, {@code active} = primary|alternate|both (default
 * primary), {@code subdomains} = no|parent|subdomain (default no: only the exact domain; parent: mail
 * from x.example.com is signed with d=example.com; subdomain: with d=x.example.com),
 * {@code canonicalization} (default relaxed/relaxed), {@code headers} (colon list, default the
 * standard set with From over-signed), {@code expiry} (x= offset: seconds or with s/m/h/d suffix;
 * default none), {@code timestamp} = yes|no (default yes).
 * RSA keys under 1024 bits are refused (RFC 8301), naming the key file.
 */
public final class KeyTable {
    /** Which keys of an entry sign. */
    public enum Active { PRIMARY, ALTERNATE, BOTH }

    /** How an entry applies to subdomains of its domain. */
    public enum Subdomains { NO, PARENT, SUBDOMAIN }

    /** One domain's configuration. */
    public static final class Entry {
        final String domain;
        final String selector;
        final SigningKey key;
        final String alternateSelector;
        final SigningKey alternateKey;
        final Active active;
        final Subdomains subdomains;
        final Canonicalization headerCanon;
        final Canonicalization bodyCanon;
        final List<String> headers;
        final long expirySeconds;
        final boolean timestamp;

        Entry(String domain, String selector, SigningKey key, String alternateSelector, SigningKey alternateKey,
              Active active, Subdomains subdomains, Canonicalization headerCanon, Canonicalization bodyCanon,
              List<String> headers, long expirySeconds, boolean timestamp) {
            this.domain = domain;
            this.selector = selector;
            this.key = key;
            this.alternateSelector = alternateSelector;
            this.alternateKey = alternateKey;
            this.active = active;
            this.subdomains = subdomains;
            this.headerCanon = headerCanon;
            this.bodyCanon = bodyCanon;
            this.headers = headers;
            this.expirySeconds = expirySeconds;
            this.timestamp = timestamp;
        }

        public String domain() {
            return domain;
        }

        public Active active() {
            return active;
        }

        /** Every selector of the entry with its key (the alternate too, active or not): what must be published. */
        public Map<String, SigningKey> keys() {
            Map<String, SigningKey> k = new java.util.LinkedHashMap<>();
            k.put(selector, key);
            if (alternateSelector != null && alternateKey != null) {
                k.put(alternateSelector, alternateKey);
            }
            return k;
        }

        /** The signing specs for mail whose From domain is {@code fromDomain} (already matched to this entry). */
        public List<SignSpec> specs(String fromDomain) {
            String d = subdomains == Subdomains.SUBDOMAIN ? fromDomain : domain;
            List<SignSpec> out = new ArrayList<>(2);
            if (active != Active.ALTERNATE) {
                out.add(spec(key, d, selector));
            }
            if (active != Active.PRIMARY) {
                out.add(spec(alternateKey, d, alternateSelector));
            }
            return out;
        }

        private SignSpec spec(SigningKey k, String d, String s) {
            return new SignSpec(k, d, s).canonicalization(headerCanon, bodyCanon).headers(headers)
                    .expirySeconds(expirySeconds).timestamp(timestamp);
        }
    }

    private final Map<String, Entry> entries;
    private final List<Path> files;

    private KeyTable(Map<String, Entry> entries, List<Path> files) {
        this.entries = Collections.unmodifiableMap(entries);
        this.files = List.copyOf(files);
    }

    public Map<String, Entry> entries() {
        return entries;
    }

    /** The table file and every key file it names (to watch for changes). */
    public List<Path> files() {
        return files;
    }

    /** The entry for a From domain: exact match, else the nearest parent with subdomains != no. */
    public Entry lookup(String fromDomain) {
        String d = fromDomain.toLowerCase(Locale.ROOT);
        Entry e = entries.get(d);
        if (e != null) {
            return e;
        }
        int dot = d.indexOf('.');
        while (dot >= 0) {
            d = d.substring(dot + 1);
            e = entries.get(d);
            if (e != null && e.subdomains != Subdomains.NO) {
                return e;
            }
            dot = d.indexOf('.');
        }
        return null;
    }

    public static KeyTable load(Path file) throws DkimException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DkimException("cannot read key table " + file + ": " + e.getMessage(), e);
        }
        Path base = file.toAbsolutePath().getParent();
        Map<String, Entry> entries = new LinkedHashMap<>();
        List<Path> files = new ArrayList<>();
        files.add(file);
        int n = 0;
        for (String raw : lines) {
            n++;
            String line = raw.trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + " line " + n;
            String[] parts = line.split("\\s+");
            String domain = parts[0].toLowerCase(Locale.ROOT);
            if (!DkimSignature.isDomain(domain)) {
                throw new DkimException(where + ": invalid domain '" + parts[0] + "'");
            }
            Map<String, String> o = new LinkedHashMap<>();
            for (String p : Arrays.copyOfRange(parts, 1, parts.length)) {
                int eq = p.indexOf('=');
                if (eq <= 0) {
                    throw new DkimException(where + ": expected name=value, got '" + p + "'");
                }
                o.put(p.substring(0, eq), p.substring(eq + 1));
            }
            Entry e = entry(where, domain, o, base, files);
            if (entries.put(domain, e) != null) {
                throw new DkimException(where + ": domain " + domain + " listed twice");
            }
        }
        return new KeyTable(entries, files);
    }

    private static Entry entry(String where, String domain, Map<String, String> o, Path base, List<Path> files)
            throws DkimException {
        String selector = required(where, o, "selector");
        SigningKey key = key(where, base, required(where, o, "key"), files);
        String altSelector = o.remove("alternateSelector");
        String altKeyFile = o.remove("alternateKey");
        if ((altSelector == null) != (altKeyFile == null)) {
            throw new DkimException(where + ": alternateSelector and alternateKey go together");
        }
        SigningKey altKey = altKeyFile == null ? null : key(where, base, altKeyFile, files);
        Active active = enumOf(where, "active", o.remove("active"), Active.PRIMARY, Active.class);
        if (active != Active.PRIMARY && altKey == null) {
            throw new DkimException(where + ": active=" + active.name().toLowerCase(Locale.ROOT) + " needs alternateSelector/alternateKey");
        }
        Subdomains sub = enumOf(where, "subdomains", o.remove("subdomains"), Subdomains.NO, Subdomains.class);
        Canonicalization hc = Canonicalization.RELAXED;
        Canonicalization bc = Canonicalization.RELAXED;
        String c = o.remove("canonicalization");
        if (c != null) {
            try {
                String[] hb = c.split("/", 2);
                hc = Canonicalization.of(hb[0]);
                bc = hb.length > 1 ? Canonicalization.of(hb[1]) : Canonicalization.SIMPLE;
            } catch (DkimException e) {
                throw new DkimException(where + ": canonicalization=" + c + ": " + e.getMessage());
            }
        }
        List<String> headers = null;
        String h = o.remove("headers");
        if (h != null) {
            headers = Arrays.asList(h.toLowerCase(Locale.ROOT).split(":"));
            if (!headers.contains("from")) {
                throw new DkimException(where + ": headers=" + h + " must include from");
            }
        }
        long expiry = -1;
        String x = o.remove("expiry");
        if (x != null) {
            expiry = duration(where, x);
        }
        String ts = o.remove("timestamp");
        boolean timestamp = ts == null || ts.equalsIgnoreCase("yes") || ts.equalsIgnoreCase("true");
        if (ts != null && !timestamp && !ts.equalsIgnoreCase("no") && !ts.equalsIgnoreCase("false")) {
            throw new DkimException(where + ": timestamp=" + ts + " (use yes or no)");
        }
        if (!DkimSignature.isDomain(selector) || (altSelector != null && !DkimSignature.isDomain(altSelector))) {
            throw new DkimException(where + ": invalid selector");
        }
        if (!o.isEmpty()) {
            throw new DkimException(where + ": unknown option " + o.keySet().iterator().next());
        }
        return new Entry(domain, selector, key, altSelector, altKey, active, sub, hc, bc, headers, expiry, timestamp);
    }

    private static String required(String where, Map<String, String> o, String name) throws DkimException {
        String v = o.remove(name);
        if (v == null || v.isEmpty()) {
            throw new DkimException(where + ": missing " + name + "=");
        }
        return v;
    }

    private static SigningKey key(String where, Path base, String name, List<Path> files) throws DkimException {
        Path p = Path.of(name);
        if (!p.isAbsolute() && base != null) {
            p = base.resolve(p);
        }
        files.add(p);
        SigningKey k;
        try {
            k = DkimKeys.load(p);
        } catch (DkimException e) {
            throw new DkimException(where + ": " + e.getMessage(), e);
        }
        if (k.type() == SigningKey.Type.RSA && k.bits() < 1024) {
            throw new DkimException(where + ": RSA key " + p + " has " + k.bits()
                    + " bits; RFC 8301 requires at least 1024 (2048 recommended)");
        }
        return k;
    }

    private static <E extends Enum<E>> E enumOf(String where, String name, String value, E dflt, Class<E> type)
            throws DkimException {
        if (value == null) {
            return dflt;
        }
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new DkimException(where + ": " + name + "=" + value + " (use one of "
                    + Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT) + ")");
        }
    }

    static long duration(String where, String v) throws DkimException {
        try {
            char unit = Character.toLowerCase(v.charAt(v.length() - 1));
            long mult = unit == 's' ? 1 : unit == 'm' ? 60 : unit == 'h' ? 3600 : unit == 'd' ? 86400 : 0;
            long n = Long.parseLong(mult == 0 ? v : v.substring(0, v.length() - 1));
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n * (mult == 0 ? 1 : mult);
        } catch (RuntimeException e) {
            throw new DkimException(where + ": expiry=" + v + " is not a duration (e.g. 3600, 12h, 7d)");
        }
    }
}

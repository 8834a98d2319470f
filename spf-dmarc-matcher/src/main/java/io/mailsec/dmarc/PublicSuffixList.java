package io.mailsec.dmarc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The Public Suffix List (publicsuffix.org format: normal, {@code *.} wildcard and {@code !} exception
 * rules, ICANN and PRIVATE sections both used, as OpenDMARC does) and the RFC 7489 §3.2
 * organizational domain. The built-in list is a pinned copy of Debian's 2023-02-09 list
 * (MPL-2.0); {@link #load(Path)} reads another, e.g. {@code /usr/share/publicsuffix/public_suffix_list.dat}.
 */
public final class PublicSuffixList {
    private static final String RESOURCE = "public_suffix_list.dat";
    private static volatile PublicSuffixList builtIn;

    private final Set<String> rules = new HashSet<>();
    private final Set<String> wildcards = new HashSet<>();
    private final Set<String> exceptions = new HashSet<>();

    private PublicSuffixList() {
    }

    /** The pinned list shipped in the jar. */
    public static PublicSuffixList builtIn() {
        PublicSuffixList l = builtIn;
        if (l == null) {
            try (InputStream in = PublicSuffixList.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("resource " + RESOURCE + " missing from the jar");
                }
                l = read(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            builtIn = l;
        }
        return l;
    }

    public static PublicSuffixList load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        }
    }

    public static PublicSuffixList read(InputStream in) throws IOException {
        PublicSuffixList l = new PublicSuffixList();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        while ((line = r.readLine()) != null) {
            line = line.trim();
            int sp = line.indexOf(' ');
            if (sp >= 0) {
                line = line.substring(0, sp);
            }
            if (line.isEmpty() || line.startsWith("//")) {
                continue;
            }
            String rule = toAscii(line.startsWith("!") ? line.substring(1) : line.startsWith("*.") ? line.substring(2) : line);
            if (rule == null) {
                continue;
            }
            if (line.startsWith("!")) {
                l.exceptions.add(rule);
            } else if (line.startsWith("*.")) {
                l.wildcards.add(rule);
            } else {
                l.rules.add(rule);
            }
        }
        return l;
    }

    private static String toAscii(String s) {
        try {
            return IDN.toASCII(s, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public int size() {
        return rules.size() + wildcards.size() + exceptions.size();
    }

    /** The public suffix of {@code domain} (lower-case, A-labels); "*" is the implicit default rule. */
    public String publicSuffix(String domain) {
        String d = normalise(domain);
        String[] labels = d.split("\\.");
        // Walk from the longest candidate suffix to the shortest; the first match is the longest rule.
        for (int i = 0; i < labels.length; i++) {
            String suffix = join(labels, i);
            if (exceptions.contains(suffix)) {
                return join(labels, i + 1);
            }
            if (rules.contains(suffix)) {
                return suffix;
            }
            if (i + 1 < labels.length && wildcards.contains(join(labels, i + 1))) {
                return suffix;
            }
        }
        return labels[labels.length - 1];
    }

    /**
     * The organizational domain (RFC 7489 §3.2): the public suffix plus one label; a domain that is
     * itself a public suffix is its own organizational domain.
     */
    public String organizationalDomain(String domain) {
        String d = normalise(domain);
        String suffix = publicSuffix(d);
        if (d.length() <= suffix.length()) {
            return d;
        }
        String head = d.substring(0, d.length() - suffix.length() - 1);
        int dot = head.lastIndexOf('.');
        return (dot < 0 ? head : head.substring(dot + 1)) + "." + suffix;
    }

    static String normalise(String domain) {
        String d = domain.trim().toLowerCase(Locale.ROOT);
        if (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        boolean ascii = true;
        for (int i = 0; i < d.length() && ascii; i++) {
            ascii = d.charAt(i) < 0x80;
        }
        if (ascii) {
            return d;
        }
        String a = toAscii(d);
        return a == null ? d : a;
    }

    private static String join(String[] labels, int from) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < labels.length; i++) {
            if (sb.length() > 0) {
                sb.append('.');
            }
            sb.append(labels[i]);
        }
        return sb.toString();
    }
}

package io.mailsec.tls.policy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.net.InetAddress;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

import com.google.common.net.InetAddresses;

/**
 * Parses the policy file format:
 * <pre>
 * # comment (anywhere on a line)
 * [outbound]
 * default            may
 * partner.example    verify      # that domain only
 * .bank.example      encrypt     # bank.example and all its subdomains
 * ceo@corp.example   verify
 * [inbound]
 * 192.0.2.0/24       encrypt
 * 2001:db8::/32      encrypt
 * partner.example    encrypt     # envelope senders (and local recipients) of that domain
 * </pre>
 * Any error rejects the whole file with file name, line number and problem.
 */
public final class PolicyParser {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?");
    private static final Pattern WS = Pattern.compile("\\s+");

    private PolicyParser() {
    }

    public static TlsPolicy parse(String text, String source) throws PolicyParseException {
        try {
            return parse(new StringReader(text), source);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static TlsPolicy parse(Reader reader, String source) throws IOException, PolicyParseException {
        BufferedReader in = new BufferedReader(reader);
        ListBuilder inbound = new ListBuilder(source, true);
        ListBuilder outbound = new ListBuilder(source, false);
        ListBuilder current = null;
        String raw;
        int lineNo = 0;
        while ((raw = in.readLine()) != null) {
            lineNo++;
            int hash = raw.indexOf('#');
            String line = (hash >= 0 ? raw.substring(0, hash) : raw).trim();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("[")) {
                String section = line.toLowerCase();
                if (section.equals("[inbound]")) {
                    current = inbound;
                } else if (section.equals("[outbound]")) {
                    current = outbound;
                } else {
                    throw new PolicyParseException(source, lineNo, "unknown section " + line + " (expected [inbound] or [outbound])");
                }
                continue;
            }
            if (current == null) {
                throw new PolicyParseException(source, lineNo, "entry before any [inbound] or [outbound] section: " + line);
            }
            String[] parts = WS.split(line);
            if (parts.length != 2) {
                throw new PolicyParseException(source, lineNo, "expected 'SUBJECT LEVEL', got: " + line);
            }
            TlsLevel level = TlsLevel.parse(parts[1]);
            if (level == null) {
                throw new PolicyParseException(source, lineNo, "unknown level '" + parts[1] + "' (expected none, may, encrypt or verify)");
            }
            current.add(parts[0], level, lineNo);
        }
        return new TlsPolicy(inbound.build(), outbound.build(), source, Instant.now());
    }

    static boolean isDomain(String d) {
        if (d.isEmpty() || d.length() > 253) {
            return false;
        }
        for (String label : d.split("\\.", -1)) {
            if (label.length() > 63 || !LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    private static final class ListBuilder {
        private final String source;
        private final boolean inbound;
        private final Map<String, PolicyMatch> addresses = new HashMap<>();
        private final Map<String, PolicyMatch> exact = new HashMap<>();
        private final Map<String, PolicyMatch> trees = new HashMap<>();
        private final IpPrefixTable.Builder<PolicyMatch> ips = new IpPrefixTable.Builder<>();
        private PolicyMatch defaultMatch;
        private int size;

        ListBuilder(String source, boolean inbound) {
            this.source = source;
            this.inbound = inbound;
        }

        void add(String subject, TlsLevel level, int line) throws PolicyParseException {
            String s = PolicyList.normalize(subject);
            if (s.equals("default")) {
                if (defaultMatch != null) {
                    throw new PolicyParseException(source, line, "second default entry (first on line " + defaultMatch.line() + ")");
                }
                defaultMatch = new PolicyMatch(level, "default", EntryKind.DEFAULT, line);
                return;
            }
            PolicyMatch previous;
            if (s.indexOf('@') >= 0) {
                int at = s.lastIndexOf('@');
                if (at == 0 || !isDomain(s.substring(at + 1))) {
                    throw new PolicyParseException(source, line, "invalid email address '" + subject + "'");
                }
                previous = addresses.putIfAbsent(s, new PolicyMatch(level, s, EntryKind.ADDRESS, line));
            } else if (s.indexOf(':') >= 0 || s.indexOf('/') >= 0 || s.matches("[0-9.]+")) {
                if (!inbound) {
                    throw new PolicyParseException(source, line, "IP address entries apply to peers of inbound sessions; '"
                            + subject + "' is not allowed in [outbound] (use the recipient domain)");
                }
                previous = addIp(subject, s, level, line);
            } else if (s.startsWith(".")) {
                String d = s.substring(1);
                if (!isDomain(d)) {
                    throw new PolicyParseException(source, line, "invalid domain '" + subject + "'");
                }
                previous = trees.putIfAbsent(d, new PolicyMatch(level, s, EntryKind.DOMAIN_AND_SUBDOMAINS, line));
            } else {
                if (!isDomain(s)) {
                    throw new PolicyParseException(source, line, "invalid domain '" + subject + "'");
                }
                previous = exact.putIfAbsent(s, new PolicyMatch(level, s, EntryKind.DOMAIN, line));
            }
            if (previous != null) {
                throw new PolicyParseException(source, line, "duplicate entry '" + subject + "' (first on line " + previous.line() + ")");
            }
            size++;
        }

        private PolicyMatch addIp(String subject, String s, TlsLevel level, int line) throws PolicyParseException {
            String addr = s;
            int slash = s.indexOf('/');
            InetAddress ip;
            try {
                ip = InetAddresses.forString(slash >= 0 ? s.substring(0, slash) : s);
            } catch (IllegalArgumentException e) {
                throw new PolicyParseException(source, line, "invalid IP address '" + subject + "'");
            }
            int max = ip.getAddress().length * 8;
            int len = max;
            if (slash >= 0) {
                try {
                    len = Integer.parseInt(s.substring(slash + 1));
                } catch (NumberFormatException e) {
                    len = -1;
                }
                if (len < 0 || len > max) {
                    throw new PolicyParseException(source, line, "invalid prefix length in '" + subject + "' (0-" + max + ")");
                }
            }
            return ips.add(ip, len, new PolicyMatch(level, addr, EntryKind.IP, line));
        }

        PolicyList build() {
            PolicyMatch d = defaultMatch != null ? defaultMatch : new PolicyMatch(TlsLevel.MAY, "default", EntryKind.DEFAULT, 0);
            return new PolicyList(addresses, exact, trees, ips.build(), d, size);
        }
    }
}

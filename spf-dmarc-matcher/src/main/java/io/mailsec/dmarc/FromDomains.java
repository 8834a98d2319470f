package io.mailsec.dmarc;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Extracts the author domains (RFC 7489 §3.1.1 RFC5322.From domain) from the From header fields of a
 * message. Handles display names with commas, quoted strings, comments, angle addresses, groups and
 * several mailboxes. The outcome names why no single domain could be found.
 */
public final class FromDomains {
    /** How the From fields were found. */
    public enum Status {
        /** Exactly one From field with one or more mailboxes whose domains all parsed. */
        OK,
        /** No From field at all. */
        NO_FROM,
        /** More than one From field (RFC 5322 §3.6 allows exactly one). */
        MULTIPLE_FROM_FIELDS,
        /** A From field without a usable domain. */
        UNPARSEABLE
    }

    private final Status status;
    private final List<String> domains;
    private final String detail;

    private FromDomains(Status status, List<String> domains, String detail) {
        this.status = status;
        this.domains = List.copyOf(domains);
        this.detail = detail;
    }

    public static FromDomains of(String... domains) {
        return new FromDomains(Status.OK, List.of(domains), null);
    }

    /** Parses the unfolded values of every From field of a message (empty list: no From). */
    public static FromDomains parse(List<String> fromFieldValues) {
        if (fromFieldValues == null || fromFieldValues.isEmpty()) {
            return new FromDomains(Status.NO_FROM, List.of(), "no From header field");
        }
        if (fromFieldValues.size() > 1) {
            return new FromDomains(Status.MULTIPLE_FROM_FIELDS, List.of(), fromFieldValues.size() + " From header fields");
        }
        String value = fromFieldValues.get(0);
        Set<String> out = new LinkedHashSet<>();
        for (String mailbox : splitMailboxes(value)) {
            String domain = domainOf(mailbox);
            if (domain == null) {
                return new FromDomains(Status.UNPARSEABLE, List.of(), "Unable to extract From domain: " + value.trim());
            }
            out.add(domain);
        }
        if (out.isEmpty()) {
            return new FromDomains(Status.UNPARSEABLE, List.of(), "Unable to extract From domain: " + value.trim());
        }
        return new FromDomains(Status.OK, new ArrayList<>(out), null);
    }

    public Status status() {
        return status;
    }

    /** Distinct author domains in order of appearance (lower-case); empty unless OK. */
    public List<String> domains() {
        return domains;
    }

    public String detail() {
        return detail;
    }

    /** Splits an address-list at top-level commas (outside quotes, comments and angle brackets); group syntax is flattened. */
    static List<String> splitMailboxes(String v) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        int comment = 0;
        boolean angle = false;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (quoted) {
                cur.append(c);
                if (c == '\\' && i + 1 < v.length()) {
                    cur.append(v.charAt(++i));
                } else if (c == '"') {
                    quoted = false;
                }
                continue;
            }
            if (comment > 0) {
                if (c == '\\' && i + 1 < v.length()) {
                    i++;
                } else if (c == '(') {
                    comment++;
                } else if (c == ')') {
                    comment--;
                }
                continue;
            }
            switch (c) {
                case '"':
                    quoted = true;
                    cur.append(c);
                    break;
                case '(':
                    comment = 1;
                    cur.append(' ');
                    break;
                case '<':
                    angle = true;
                    cur.append(c);
                    break;
                case '>':
                    angle = false;
                    cur.append(c);
                    break;
                case ':':
                    if (!angle) {
                        cur.setLength(0); // group display name
                    } else {
                        cur.append(c);
                    }
                    break;
                case ';':
                    if (!angle) {
                        add(out, cur);
                    } else {
                        cur.append(c);
                    }
                    break;
                case ',':
                    if (!angle) {
                        add(out, cur);
                    } else {
                        cur.append(c);
                    }
                    break;
                default:
                    cur.append(c);
            }
        }
        add(out, cur);
        return out;
    }

    private static void add(List<String> out, StringBuilder cur) {
        String s = cur.toString().trim();
        if (!s.isEmpty()) {
            out.add(s);
        }
        cur.setLength(0);
    }

    /** The domain of one mailbox, or null if it has none or it is not a valid domain name. */
    static String domainOf(String mailbox) {
        String addr = mailbox;
        int lt = mailbox.lastIndexOf('<');
        if (lt >= 0) {
            int gt = mailbox.indexOf('>', lt);
            if (gt < 0) {
                return null;
            }
            addr = mailbox.substring(lt + 1, gt);
            int colon = addr.lastIndexOf(':'); // obsolete source route <@a,@b:user@dom>
            if (colon >= 0 && addr.startsWith("@")) {
                addr = addr.substring(colon + 1);
            }
        } else if (mailbox.indexOf('"') >= 0 && mailbox.lastIndexOf('"') > mailbox.lastIndexOf('@')) {
            return null;
        }
        int at = addr.lastIndexOf('@');
        if (at < 0) {
            return null;
        }
        String d = addr.substring(at + 1).trim().toLowerCase(Locale.ROOT);
        if (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        if (d.startsWith("[") || !isDomain(d)) {
            return null;
        }
        return PublicSuffixList.normalise(d);
    }

    static boolean isDomain(String d) {
        if (d.isEmpty() || d.length() > 253) {
            return false;
        }
        for (String label : d.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c > 0x7f)) {
                    return false;
                }
            }
        }
        return true;
    }
}

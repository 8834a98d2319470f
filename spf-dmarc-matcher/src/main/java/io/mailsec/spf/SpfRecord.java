package io.mailsec.spf;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed SPF record (RFC 7208 §4.6, §5, §6). Parsing checks the syntax of the whole record
 * up front so that an error anywhere yields permerror (§4.6), even after a matching mechanism.
 */
public final class SpfRecord {
    enum Kind { ALL, INCLUDE, A, MX, PTR, IP4, IP6, EXISTS }

    static final class Mechanism {
        final SpfQualifier qualifier;
        final Kind kind;
        final MacroString domain;
        final int cidr4;
        final int cidr6;
        final byte[] network;
        final String text;

        Mechanism(SpfQualifier qualifier, Kind kind, MacroString domain, int cidr4, int cidr6, byte[] network, String text) {
            this.qualifier = qualifier;
            this.kind = kind;
            this.domain = domain;
            this.cidr4 = cidr4;
            this.cidr6 = cidr6;
            this.network = network;
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private static final Pattern DUAL_CIDR = Pattern.compile("(?:/(0|[1-9][0-9]{0,2}))?(?://(0|[1-9][0-9]{0,2}))?$");
    private static final Pattern IP4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    private static final Pattern CIDR = Pattern.compile("0|[1-9][0-9]{0,2}");
    private static final Pattern MODIFIER_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]*");

    final List<Mechanism> mechanisms;
    final MacroString redirect;
    final MacroString exp;
    private final String text;

    private SpfRecord(String text, List<Mechanism> mechanisms, MacroString redirect, MacroString exp) {
        this.text = text;
        this.mechanisms = mechanisms;
        this.redirect = redirect;
        this.exp = exp;
    }

    /** True if the TXT string is an SPF version 1 record: "v=spf1" followed by a space or the end (§4.5). */
    public static boolean isSpf1(String txt) {
        return txt.length() >= 6 && txt.regionMatches(true, 0, "v=spf1", 0, 6)
                && (txt.length() == 6 || txt.charAt(6) == ' ');
    }

    /** Parses a record that {@link #isSpf1} accepted. */
    static SpfRecord parse(String txt) throws SpfSyntaxException {
        List<Mechanism> mechs = new ArrayList<>();
        MacroString redirect = null;
        MacroString exp = null;
        String[] terms = txt.substring(6).split(" ");
        for (String term : terms) {
            if (term.isEmpty()) {
                continue;
            }
            int eq = term.indexOf('=');
            int colon = term.indexOf(':');
            int slash = term.indexOf('/');
            boolean modifier = eq > 0 && (colon < 0 || eq < colon) && (slash < 0 || eq < slash);
            if (modifier) {
                String name = term.substring(0, eq);
                String value = term.substring(eq + 1);
                if (!MODIFIER_NAME.matcher(name).matches()) {
                    throw new SpfSyntaxException("invalid modifier name in '" + term + "'");
                }
                String lname = name.toLowerCase(Locale.ROOT);
                if (lname.equals("redirect")) {
                    if (redirect != null) {
                        throw new SpfSyntaxException("duplicate redirect modifier");
                    }
                    redirect = domainSpec(value, term);
                } else if (lname.equals("exp")) {
                    if (exp != null) {
                        throw new SpfSyntaxException("duplicate exp modifier");
                    }
                    exp = domainSpec(value, term);
                } else {
                    MacroString.parse(value, false); // unknown modifiers are ignored but must be well-formed
                }
                continue;
            }
            mechs.add(mechanism(term));
        }
        return new SpfRecord(txt, List.copyOf(mechs), redirect, exp);
    }

    private static Mechanism mechanism(String term) throws SpfSyntaxException {
        SpfQualifier q = SpfQualifier.of(term.charAt(0));
        String rest = q == null ? term : term.substring(1);
        if (q == null) {
            q = SpfQualifier.PASS;
        }
        int end = 0;
        while (end < rest.length() && rest.charAt(end) != ':' && rest.charAt(end) != '/') {
            end++;
        }
        String name = rest.substring(0, end).toLowerCase(Locale.ROOT);
        String arg = rest.substring(end);
        switch (name) {
            case "all":
                if (!arg.isEmpty()) {
                    throw new SpfSyntaxException("'all' takes no argument: '" + term + "'");
                }
                return new Mechanism(q, Kind.ALL, null, 32, 128, null, term);
            case "include":
            case "exists":
            case "ptr": {
                MacroString d = null;
                if (arg.startsWith(":")) {
                    d = domainSpec(arg.substring(1), term);
                } else if (!arg.isEmpty() || !name.equals("ptr")) {
                    throw new SpfSyntaxException("'" + name + "' needs ':domain': '" + term + "'");
                }
                Kind k = name.equals("include") ? Kind.INCLUDE : name.equals("exists") ? Kind.EXISTS : Kind.PTR;
                return new Mechanism(q, k, d, 32, 128, null, term);
            }
            case "a":
            case "mx": {
                Matcher m = DUAL_CIDR.matcher(arg);
                int cidrStart = arg.length();
                int c4 = 32;
                int c6 = 128;
                if (m.find()) {
                    cidrStart = m.start();
                    if (m.group(1) != null) {
                        c4 = Integer.parseInt(m.group(1));
                    }
                    if (m.group(2) != null) {
                        c6 = Integer.parseInt(m.group(2));
                    }
                }
                if (c4 > 32 || c6 > 128) {
                    throw new SpfSyntaxException("invalid CIDR length in '" + term + "'");
                }
                String dom = arg.substring(0, cidrStart);
                MacroString d = null;
                if (dom.startsWith(":")) {
                    d = domainSpec(dom.substring(1), term);
                } else if (!dom.isEmpty()) {
                    throw new SpfSyntaxException("invalid '" + name + "' mechanism: '" + term + "'");
                }
                return new Mechanism(q, name.equals("a") ? Kind.A : Kind.MX, d, c4, c6, null, term);
            }
            case "ip4": {
                if (!arg.startsWith(":")) {
                    throw new SpfSyntaxException("'ip4' needs ':address': '" + term + "'");
                }
                String v = arg.substring(1);
                int cidr = 32;
                int sl = v.indexOf('/');
                if (sl >= 0) {
                    cidr = cidr(v.substring(sl + 1), 32, term);
                    v = v.substring(0, sl);
                }
                if (!IP4.matcher(v).matches()) {
                    throw new SpfSyntaxException("invalid IPv4 address in '" + term + "'");
                }
                return new Mechanism(q, Kind.IP4, null, cidr, 128, literal(v).getAddress(), term);
            }
            case "ip6": {
                if (!arg.startsWith(":")) {
                    throw new SpfSyntaxException("'ip6' needs ':address': '" + term + "'");
                }
                String v = arg.substring(1);
                int cidr = 128;
                int sl = v.indexOf('/');
                if (sl >= 0) {
                    cidr = cidr(v.substring(sl + 1), 128, term);
                    v = v.substring(0, sl);
                }
                byte[] bytes = Ip.parseIp6(v);
                if (bytes == null) {
                    throw new SpfSyntaxException("invalid IPv6 address in '" + term + "'");
                }
                return new Mechanism(q, Kind.IP6, null, 32, cidr, bytes, term);
            }
            default:
                throw new SpfSyntaxException("unknown mechanism '" + term + "'");
        }
    }

    private static int cidr(String s, int max, String term) throws SpfSyntaxException {
        if (!CIDR.matcher(s).matches() || Integer.parseInt(s) > max) {
            throw new SpfSyntaxException("invalid CIDR length in '" + term + "'");
        }
        return Integer.parseInt(s);
    }

    private static InetAddress literal(String v) throws SpfSyntaxException {
        try {
            return InetAddress.getByAddress(Ip.parseIp4(v));
        } catch (java.net.UnknownHostException e) {
            throw new SpfSyntaxException("invalid address '" + v + "'");
        }
    }

    private static MacroString domainSpec(String value, String term) throws SpfSyntaxException {
        if (value.isEmpty()) {
            throw new SpfSyntaxException("empty domain-spec in '" + term + "'");
        }
        MacroString m = MacroString.parse(value, false);
        if (!m.isValidDomainSpec()) {
            throw new SpfSyntaxException("invalid domain-spec in '" + term + "'");
        }
        return m;
    }

    @Override
    public String toString() {
        return text;
    }
}

package io.mailsec.spf;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import io.mailsec.core.dns.DnsResolver;
import io.mailsec.core.dns.DnsResult;
import io.mailsec.core.dns.DnsStatus;
import io.mailsec.core.dns.MxRecord;

/**
 * RFC 7208 {@code check_host()} on a {@link DnsResolver}. Thread-safe; one instance serves all
 * requests. Never throws for bad records or DNS failures: every outcome is an {@link SpfVerdict}.
 */
public final class SpfEvaluator {
    /** Default explanation when a failing record has no usable exp= (RFC 7208 §6.2). */
    public static final String DEFAULT_EXPLANATION = "%{c} is not one of %{o}'s designated mail servers";

    private final DnsResolver dns;
    private final String receiver;
    private final MacroString defaultExplanation;
    private final int lookupLimit;
    private final int voidLimit;
    private final LongSupplier clock;
    private final java.util.concurrent.Executor executor;
    private final Map<String, Object> parsed = new ConcurrentHashMap<>();

    private SpfEvaluator(Builder b) {
        this.dns = b.dns;
        this.receiver = b.receiver;
        this.lookupLimit = b.lookupLimit;
        this.voidLimit = b.voidLimit;
        this.clock = b.clock;
        this.executor = b.executor;
        try {
            this.defaultExplanation = MacroString.parse(b.defaultExplanation, true);
        } catch (SpfSyntaxException e) {
            throw new IllegalArgumentException("defaultExplanation: " + e.getMessage());
        }
    }

    public static Builder builder(DnsResolver dns) {
        return new Builder(dns);
    }

    /** The receiving host name used for %{r} and the Received-SPF receiver key. */
    public String receiver() {
        return receiver;
    }

    /**
     * Checks the MAIL FROM identity (RFC 7208 §2.4). An empty or null {@code mailFrom} (the null
     * sender) checks postmaster@{@code helo}.
     */
    public SpfVerdict checkMailFrom(String clientIp, String mailFrom, String helo) {
        String from = mailFrom == null ? "" : mailFrom.trim();
        if (from.startsWith("<") && from.endsWith(">")) {
            from = from.substring(1, from.length() - 1);
        }
        if (from.isEmpty()) {
            return check(clientIp, "postmaster@" + nz(helo), helo, "mailfrom");
        }
        return check(clientIp, from, helo, "mailfrom");
    }

    /** Checks the HELO identity (RFC 7208 §2.3): sender postmaster@helo. */
    public SpfVerdict checkHelo(String clientIp, String helo) {
        return check(clientIp, "postmaster@" + nz(helo), helo, "helo");
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private SpfVerdict check(String clientIp, String sender, String helo, String identity) {
        InetAddress ip;
        try {
            ip = Ip.parseClient(clientIp);
        } catch (IllegalArgumentException e) {
            return new SpfVerdict(SpfResult.PERMERROR, identity, null, sender, clientIp, helo, null, null,
                    "invalid client IP '" + clientIp + "'");
        }
        int at = sender.lastIndexOf('@');
        String local = at < 0 ? "postmaster" : sender.substring(0, at);
        String domain = at < 0 ? sender : sender.substring(at + 1);
        if (local.isEmpty()) {
            local = "postmaster";
        }
        String fullSender = local + "@" + domain;
        Eval e = new Eval(ip, fullSender, local, domain, helo);
        SpfResult r;
        try {
            r = e.checkHost(domain, 0);
        } catch (Abort a) {
            r = a.result;
            e.problem = a.getMessage();
            e.mechanism = e.currentTerm;
        } catch (RuntimeException ex) {
            // Defensive: a bug must not turn into an exception for the caller; report it as permerror.
            r = SpfResult.PERMERROR;
            e.problem = "internal error: " + ex;
        }
        String explanation = null;
        if (r == SpfResult.FAIL) {
            explanation = e.explanation != null ? e.explanation : e.expand(defaultExplanation, domainForDefault(e));
        }
        return new SpfVerdict(r, identity, domain, fullSender, Ip.readable(ip), helo, e.mechanism, explanation, e.problem);
    }

    private static String domainForDefault(Eval e) {
        return e.explanationDomain == null ? e.senderDomain : e.explanationDomain;
    }

    /** Stops evaluation with a result (limits exceeded, DNS errors). */
    private static final class Abort extends RuntimeException {
        final SpfResult result;

        Abort(SpfResult result, String message) {
            super(message, null, false, false);
            this.result = result;
        }
    }

    /** Checks a domain name for §4.3: at least two labels, each 1..63 octets, total at most 253. */
    static boolean isValidDomain(String d) {
        String s = d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
        if (s.isEmpty() || s.length() > 253 || s.indexOf('.') < 0) {
            return false;
        }
        int start = 0;
        while (true) {
            int dot = s.indexOf('.', start);
            int end = dot < 0 ? s.length() : dot;
            int len = end - start;
            if (len < 1 || len > 63) {
                return false;
            }
            if (dot < 0) {
                break;
            }
            start = dot + 1;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    private Object record(String txt) {
        Object r = parsed.get(txt);
        if (r == null) {
            try {
                r = SpfRecord.parse(txt);
            } catch (SpfSyntaxException e) {
                r = e.getMessage();
            }
            if (parsed.size() > 10_000) {
                parsed.clear();
            }
            parsed.put(txt, r);
        }
        return r;
    }

    /** State of one evaluation: counters shared across include/redirect recursion. */
    private final class Eval implements MacroString.Context {
        final InetAddress ip;
        final boolean v4;
        final String sender;
        final String local;
        final String senderDomain;
        final String helo;
        int lookups;
        int voids;
        String currentDomain;
        String currentTerm;
        String mechanism;
        String explanation;
        String explanationDomain;
        String problem;
        boolean explanationContext;
        String validatedName;

        Eval(InetAddress ip, String sender, String local, String senderDomain, String helo) {
            this.ip = ip;
            this.v4 = Ip.isV4(ip);
            this.sender = sender;
            this.local = local;
            this.senderDomain = senderDomain;
            this.helo = helo;
        }

        SpfResult checkHost(String domain, int depth) {
            if (!isValidDomain(domain)) {
                if (depth == 0) {
                    problem = "invalid domain '" + domain + "'";
                }
                return SpfResult.NONE;
            }
            DnsResult<String> txt = dns.txt(strip(domain));
            if (txt.status().isTemporary()) {
                throw new Abort(SpfResult.TEMPERROR, "DNS " + txt.detail());
            }
            String found = null;
            for (String t : txt.records()) {
                if (SpfRecord.isSpf1(t)) {
                    if (found != null) {
                        throw new Abort(SpfResult.PERMERROR, "more than one SPF record for " + domain);
                    }
                    found = t;
                }
            }
            if (found == null) {
                if (depth == 0) {
                    problem = "no SPF record for " + domain;
                }
                return SpfResult.NONE;
            }
            Object rec = record(found);
            if (rec instanceof String) {
                throw new Abort(SpfResult.PERMERROR, "syntax error in SPF record of " + domain + ": " + rec);
            }
            SpfRecord record = (SpfRecord) rec;
            String saved = currentDomain;
            currentDomain = strip(domain);
            try {
                return evaluate(record, depth);
            } finally {
                currentDomain = saved;
            }
        }

        private SpfResult evaluate(SpfRecord record, int depth) {
            for (SpfRecord.Mechanism m : record.mechanisms) {
                if (depth == 0) {
                    currentTerm = m.text;
                }
                if (matches(m, depth)) {
                    if (depth == 0) {
                        mechanism = m.text;
                        if (m.qualifier == SpfQualifier.FAIL) {
                            explain(record);
                        }
                    }
                    return m.qualifier.result;
                }
            }
            if (record.redirect != null) {
                if (depth == 0) {
                    currentTerm = "redirect=" + record.redirect.source();
                }
                countLookup();
                String target = targetName(record.redirect);
                SpfResult r = checkHost(target, depth);
                if (r == SpfResult.NONE) {
                    throw new Abort(SpfResult.PERMERROR, "redirect target " + target + " has no SPF record");
                }
                return r;
            }
            if (depth == 0) {
                mechanism = "default";
            }
            return SpfResult.NEUTRAL;
        }

        private void explain(SpfRecord record) {
            explanationDomain = currentDomain;
            if (record.exp == null) {
                return;
            }
            try {
                String name = targetName(record.exp);
                if (!isValidDomain(name)) {
                    return;
                }
                DnsResult<String> r = dns.txt(name);
                if (!r.isOk() || r.records().size() != 1) {
                    return;
                }
                MacroString text = MacroString.parse(r.records().get(0), true);
                explanationContext = true;
                String value = expand(text, currentDomain);
                explanation = value;
            } catch (SpfSyntaxException | Abort e) {
                // §6.2: proceed as if no exp modifier was given
            } finally {
                explanationContext = false;
            }
        }

        String expand(MacroString m, String domain) {
            String saved = currentDomain;
            currentDomain = domain;
            boolean savedCtx = explanationContext;
            explanationContext = true;
            try {
                return m.expand(this);
            } finally {
                currentDomain = saved;
                explanationContext = savedCtx;
            }
        }

        private boolean matches(SpfRecord.Mechanism m, int depth) {
            switch (m.kind) {
                case ALL:
                    return true;
                case IP4:
                    return v4 && Ip.inNetwork(ip.getAddress(), m.network, m.cidr4);
                case IP6:
                    return !v4 && Ip.inNetwork(ip.getAddress(), m.network, m.cidr6);
                case A: {
                    countLookup();
                    String name = m.domain == null ? currentDomain : targetName(m.domain);
                    return matchAddresses(name, m.cidr4, m.cidr6, true);
                }
                case MX: {
                    countLookup();
                    String name = m.domain == null ? currentDomain : targetName(m.domain);
                    DnsResult<MxRecord> mx = dns.mx(name);
                    if (mx.status().isTemporary()) {
                        throw new Abort(SpfResult.TEMPERROR, "DNS " + mx.detail());
                    }
                    if (!mx.isOk()) {
                        countVoid(name);
                        return false;
                    }
                    if (mx.records().size() > 10) {
                        throw new Abort(SpfResult.PERMERROR, "more than 10 MX records for " + name);
                    }
                    List<String> hosts = new ArrayList<>();
                    for (MxRecord r : mx.records()) {
                        String host = r.exchange();
                        if (!host.isEmpty() && !host.equals(".")) {
                            hosts.add(host);
                        }
                    }
                    // The hosts' address lookups are independent: run them together, evaluate in order.
                    List<DnsResult<InetAddress>> answers = ParallelLookups.all(executor, hosts, h -> v4 ? dns.a(h) : dns.aaaa(h));
                    for (DnsResult<InetAddress> r : answers) {
                        if (matchAddresses(r, m.cidr4, m.cidr6, null)) {
                            return true;
                        }
                    }
                    return false;
                }
                case PTR: {
                    countLookup();
                    String target = m.domain == null ? currentDomain : targetName(m.domain);
                    return matchPtr(target);
                }
                case EXISTS: {
                    countLookup();
                    String name = targetName(m.domain);
                    DnsResult<InetAddress> a = dns.a(name);
                    if (a.status().isTemporary()) {
                        throw new Abort(SpfResult.TEMPERROR, "DNS " + a.detail());
                    }
                    if (!a.isOk()) {
                        countVoid(name);
                        return false;
                    }
                    return true;
                }
                case INCLUDE: {
                    countLookup();
                    String target = targetName(m.domain);
                    SpfResult r = checkHost(target, depth + 1);
                    switch (r) {
                        case PASS:
                            return true;
                        case FAIL:
                        case SOFTFAIL:
                        case NEUTRAL:
                            return false;
                        case TEMPERROR:
                            throw new Abort(SpfResult.TEMPERROR, "include:" + target + " gave temperror");
                        default:
                            throw new Abort(SpfResult.PERMERROR, "include:" + target + " gave " + r.word());
                    }
                }
                default:
                    throw new IllegalStateException(m.kind.name());
            }
        }

        private boolean matchAddresses(String name, int cidr4, int cidr6, boolean countVoid) {
            return matchAddresses(v4 ? dns.a(name) : dns.aaaa(name), cidr4, cidr6, countVoid ? name : null);
        }

        /** @param voidName the name to count as a void lookup when the answer is empty, or null not to count */
        private boolean matchAddresses(DnsResult<InetAddress> r, int cidr4, int cidr6, String voidName) {
            if (r.status().isTemporary()) {
                throw new Abort(SpfResult.TEMPERROR, "DNS " + r.detail());
            }
            if (!r.isOk()) {
                if (voidName != null) {
                    countVoid(voidName);
                }
                return false;
            }
            byte[] me = ip.getAddress();
            for (InetAddress a : r.records()) {
                if (Ip.inNetwork(me, a.getAddress(), v4 ? cidr4 : cidr6)) {
                    return true;
                }
            }
            return false;
        }

        private boolean matchPtr(String target) {
            String t = target.toLowerCase(Locale.ROOT);
            for (String name : validatedNames()) {
                String n = name.toLowerCase(Locale.ROOT);
                if (n.equals(t) || n.endsWith("." + t)) {
                    return true;
                }
            }
            return false;
        }

        /** PTR names of the client whose forward lookup gives the client address back (§5.5), at most 10 tried. */
        private List<String> validatedNames() {
            DnsResult<String> ptr = dns.ptr(ip);
            List<String> out = new ArrayList<>();
            if (!ptr.isOk()) {
                if (ptr.status().isEmpty()) {
                    countVoid("PTR " + ip.getHostAddress());
                }
                return out;
            }
            List<String> names = ptr.records();
            for (int i = 0; i < names.size() && i < 10; i++) {
                String n = strip(names.get(i));
                DnsResult<InetAddress> fwd = v4 ? dns.a(n) : dns.aaaa(n);
                if (fwd.isOk() && fwd.records().contains(ip)) {
                    out.add(n);
                }
            }
            return out;
        }

        private void countLookup() {
            if (++lookups > lookupLimit) {
                throw new Abort(SpfResult.PERMERROR, "more than " + lookupLimit + " DNS lookups");
            }
        }

        private void countVoid(String name) {
            if (++voids > voidLimit) {
                throw new Abort(SpfResult.PERMERROR, "more than " + voidLimit + " void DNS lookups (last: " + name + ")");
            }
        }

        /** Expands a domain-spec and shortens it to 253 octets by dropping labels from the left (§7.3). */
        private String targetName(MacroString m) {
            String s = strip(m.expand(this));
            while (s.length() > 253) {
                int dot = s.indexOf('.');
                if (dot < 0) {
                    break;
                }
                s = s.substring(dot + 1);
            }
            return s;
        }

        @Override
        public String value(char letter) {
            switch (letter) {
                case 's':
                    return sender;
                case 'l':
                    return local;
                case 'o':
                    return senderDomain;
                case 'd':
                    return currentDomain == null ? senderDomain : currentDomain;
                case 'i':
                    return Ip.macroI(ip);
                case 'p':
                    return pMacro();
                case 'v':
                    return v4 ? "in-addr" : "ip6";
                case 'h':
                    return helo == null ? "" : helo;
                case 'c':
                    return Ip.readable(ip);
                case 'r':
                    return receiver;
                case 't':
                    return Long.toString(clock.getAsLong() / 1000);
                default:
                    return "";
            }
        }

        private String pMacro() {
            if (validatedName == null) {
                countLookup(); // §4.6.4: the PTR query of %{p} counts against the 10-lookup limit
                List<String> names;
                try {
                    names = validatedNames();
                } catch (Abort a) {
                    names = List.of();
                }
                String d = (currentDomain == null ? senderDomain : currentDomain).toLowerCase(Locale.ROOT);
                String best = null;
                for (String n : names) {
                    String ln = n.toLowerCase(Locale.ROOT);
                    if (ln.equals(d)) {
                        best = n;
                        break;
                    }
                    if (best == null && ln.endsWith("." + d)) {
                        best = n;
                    }
                }
                if (best == null && !names.isEmpty()) {
                    best = names.get(0);
                }
                validatedName = best == null ? "unknown" : best;
            }
            return validatedName;
        }
    }

    private static String strip(String d) {
        return d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
    }

    /** Options of the evaluator; defaults follow RFC 7208 (10 lookups, 2 void lookups). */
    public static final class Builder {
        private final DnsResolver dns;
        private String receiver = "unknown";
        private String defaultExplanation = DEFAULT_EXPLANATION;
        private int lookupLimit = 10;
        private int voidLimit = 2;
        private LongSupplier clock = System::currentTimeMillis;
        private java.util.concurrent.Executor executor;

        private Builder(DnsResolver dns) {
            this.dns = java.util.Objects.requireNonNull(dns, "dns");
        }

        public Builder receiver(String receiver) {
            this.receiver = receiver;
            return this;
        }

        /** Explanation macro-string used for fail results without a usable exp= modifier. */
        public Builder defaultExplanation(String macroString) {
            this.defaultExplanation = macroString;
            return this;
        }

        public Builder lookupLimit(int limit) {
            this.lookupLimit = limit;
            return this;
        }

        public Builder voidLookupLimit(int limit) {
            this.voidLimit = limit;
            return this;
        }

        /** Milliseconds clock for %{t}. */
        public Builder clock(LongSupplier clock) {
            this.clock = clock;
            return this;
        }

        /** Runs independent lookups (MX host addresses) concurrently on this executor; null = one by one. */
        public Builder executor(java.util.concurrent.Executor executor) {
            this.executor = executor;
            return this;
        }

        public SpfEvaluator build() {
            return new SpfEvaluator(this);
        }
    }
}

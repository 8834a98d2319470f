package io.mailsec.dmarc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

import io.mailsec.core.dns.DnsResolver;
import io.mailsec.core.dns.DnsResult;
import io.mailsec.core.dns.DnsStatus;

/**
 * DMARC evaluation (RFC 7489 and RFC 9989) from the results of SPF and DKIM. Thread-safe; never
 * throws for bad input or DNS failures: every outcome is a {@link DmarcVerdict}.
 *
 * <p>Defined results for From problems: no From field, a From field without a usable domain, and
 * several From fields all give {@code permerror} with policy and disposition {@code none}. A From
 * field with several mailboxes is evaluated for each distinct domain and the strictest outcome wins
 * (highest disposition, then a failing result over a passing one).
 *
 * <p>Temporary errors: when nothing aligned passed and an identifier that would align (the SPF
 * domain, or a DKIM d=, aligned with the From domain) ended in {@code temperror}, the result is
 * {@code temperror}, not {@code fail}: the check that did not finish might have passed, and the
 * receiver's DNS trouble must not turn into a rejection. Its disposition is
 * {@link Builder#temperrorDisposition} (default none). A temperror of an identifier that could not
 * align changes nothing.
 */
public final class DmarcEvaluator {
    private final DnsResolver dns;
    private final DmarcMode mode;
    private final PublicSuffixList psl;
    private final DoubleSupplier random;
    private final java.util.concurrent.Executor executor;
    private final DmarcPolicy temperrorDisposition;
    /** Parsed records by text: a DmarcRecord, or the syntax error message. */
    private final Map<String, Object> parsed = new java.util.concurrent.ConcurrentHashMap<>();

    private DmarcEvaluator(Builder b) {
        this.dns = b.dns;
        this.mode = b.mode;
        this.psl = b.psl != null ? b.psl : b.mode == DmarcMode.RFC7489 ? PublicSuffixList.builtIn() : null;
        this.random = b.random;
        this.executor = b.executor;
        this.temperrorDisposition = b.temperrorDisposition;
    }

    public static Builder builder(DnsResolver dns) {
        return new Builder(dns);
    }

    public DmarcMode mode() {
        return mode;
    }

    public DmarcVerdict evaluate(DmarcInput input) {
        FromDomains from = input.from();
        switch (from.status()) {
            case NO_FROM:
            case UNPARSEABLE:
            case MULTIPLE_FROM_FIELDS:
                return DmarcVerdict.of(DmarcResult.PERMERROR, from.detail(), null);
            default:
                break;
        }
        DmarcVerdict chosen = null;
        for (String domain : from.domains()) {
            DmarcVerdict v;
            try {
                v = new Run(input).evaluate(domain);
            } catch (TempFail t) {
                v = new DmarcVerdict(DmarcResult.TEMPERROR, null, temperrorDisposition, t.getMessage(), domain, null, null, false, null);
            } catch (RuntimeException e) {
                v = DmarcVerdict.of(DmarcResult.PERMERROR, "internal error: " + e, domain);
            }
            if (chosen == null || stricter(v, chosen)) {
                chosen = v;
            }
        }
        return chosen;
    }

    private Object parse(String txt) {
        Object r = parsed.get(txt);
        if (r == null) {
            try {
                r = DmarcRecord.parse(txt);
            } catch (DmarcSyntaxException e) {
                r = e.getMessage();
            }
            if (parsed.size() > 10_000) {
                parsed.clear();
            }
            parsed.put(txt, r);
        }
        return r;
    }

    private static boolean stricter(DmarcVerdict a, DmarcVerdict b) {
        if (a.disposition().ordinal() != b.disposition().ordinal()) {
            return a.disposition().ordinal() > b.disposition().ordinal();
        }
        return b.result() == DmarcResult.PASS && a.result() != DmarcResult.PASS;
    }

    /** A DNS failure that makes the outcome temperror. */
    private static final class TempFail extends RuntimeException {
        TempFail(String message) {
            super(message, null, false, false);
        }
    }

    /** Lookup of _dmarc.<name>: a record, nothing, or a malformed record. */
    private static final class Found {
        final String domain;
        final DmarcRecord record;
        final String error;

        Found(String domain, DmarcRecord record, String error) {
            this.domain = domain;
            this.record = record;
            this.error = error;
        }
    }

    /** One evaluation, remembering the _dmarc lookups it made. */
    private final class Run {
        final DmarcInput input;
        final Map<String, Found> lookups = new HashMap<>();
        final Map<String, DnsResult<String>> prefetched = new HashMap<>();

        Run(DmarcInput input) {
            this.input = input;
        }

        DmarcVerdict evaluate(String fromDomain) {
            if (mode == DmarcMode.RFC9989 && executor != null) {
                // The tree walk's queries do not depend on each other: send them together (answers are
                // still consumed in walk order, so the outcome is the same as one by one).
                // Answers already in the DNS cache are taken directly: no thread hand-off for them.
                List<String> names = new ArrayList<>();
                for (String n : walk(fromDomain)) {
                    DnsResult<String> cached = dns.cachedTxt("_dmarc." + n);
                    if (cached != null) {
                        prefetched.put(n, cached);
                    } else {
                        names.add(n);
                    }
                }
                List<DnsResult<String>> answers = io.mailsec.spf.ParallelLookups.all(executor, names, n -> dns.txt("_dmarc." + n));
                for (int i = 0; i < names.size(); i++) {
                    prefetched.put(names.get(i), answers.get(i));
                }
            }
            Found f = discover(fromDomain);
            if (f == null) {
                return DmarcVerdict.of(DmarcResult.NONE, "no DMARC record for " + fromDomain, fromDomain);
            }
            if (f.error != null) {
                return new DmarcVerdict(DmarcResult.PERMERROR, null, DmarcPolicy.NONE, f.error, fromDomain, f.domain, null,
                        false, null);
            }
            DmarcRecord rec = f.record;
            DmarcPolicy p = rec.policy();
            if (p == null) {
                if (!rec.hasRua()) {
                    return DmarcVerdict.of(DmarcResult.NONE, "record at _dmarc." + f.domain + " has no valid p tag", fromDomain);
                }
                p = DmarcPolicy.NONE; // RFC 7489 §6.6.3 step 6
            }
            String org = orgDomain(fromDomain);
            String where = f.domain.equals(fromDomain) ? "from domain record" : "record of " + f.domain;

            // Alignment (RFC 7489 §3.1).
            String dkimAligned = null;
            for (DmarcInput.Dkim d : input.dkim()) {
                if (d.result().equals("pass") && aligned(d.domain(), fromDomain, org, rec.strictDkim())) {
                    dkimAligned = d.domain();
                    break;
                }
            }
            boolean spfAligned = input.spfResult().equals("pass") && input.spfDomain() != null
                    && aligned(input.spfDomain(), fromDomain, org, rec.strictSpf());

            DmarcPolicy policy = applicablePolicy(rec, p, f.domain, fromDomain);
            if (dkimAligned != null || spfAligned) {
                String how = dkimAligned != null ? "aligned DKIM d=" + dkimAligned : "aligned SPF " + input.spfDomain();
                return new DmarcVerdict(DmarcResult.PASS, policy, DmarcPolicy.NONE, where + ", " + how, fromDomain, f.domain, org,
                        spfAligned, dkimAligned);
            }
            String unfinished = alignedTemperrors(fromDomain, org, rec);
            if (unfinished != null) {
                // Our own DNS trouble: the aligned check that did not finish might have passed (RFC 7489 §11.2 temperror).
                return new DmarcVerdict(DmarcResult.TEMPERROR, policy, temperrorDisposition, where + ", no aligned pass; "
                        + unfinished + " ended in a temporary error", fromDomain, f.domain, org, false, null);
            }
            DmarcPolicy disposition = policy;
            String note = "";
            if (mode == DmarcMode.RFC7489 && rec.pct() < 100 && policy != DmarcPolicy.NONE) {
                if (random.getAsDouble() * 100 >= rec.pct()) {
                    disposition = policy.milder();
                    note = ", pct=" + rec.pct() + " sampled out";
                }
            }
            if (mode == DmarcMode.RFC9989 && rec.testing() && policy != DmarcPolicy.NONE) {
                disposition = policy.milder();
                note = ", t=y testing";
            }
            return new DmarcVerdict(DmarcResult.FAIL, policy, disposition, where + ", no aligned SPF or DKIM" + note, fromDomain,
                    f.domain, org, false, null);
        }

        /** The aligned identifiers whose SPF or DKIM check ended in temperror ("SPF example.com, DKIM d=example.com"), or null. */
        private String alignedTemperrors(String fromDomain, String org, DmarcRecord rec) {
            List<String> ids = new ArrayList<>(2);
            if (input.spfResult().equals("temperror") && input.spfDomain() != null
                    && aligned(input.spfDomain(), fromDomain, org, rec.strictSpf())) {
                ids.add("SPF " + input.spfDomain());
            }
            for (DmarcInput.Dkim d : input.dkim()) {
                if (d.result().equals("temperror") && !d.domain().isEmpty() && aligned(d.domain(), fromDomain, org, rec.strictDkim())) {
                    ids.add("DKIM d=" + d.domain());
                }
            }
            return ids.isEmpty() ? null : String.join(", ", ids);
        }

        /** p for the domain that published the record, else np (non-existent) / sp / p (RFC 7489 §6.6.3, RFC 9989). */
        private DmarcPolicy applicablePolicy(DmarcRecord rec, DmarcPolicy p, String recordDomain, String fromDomain) {
            if (recordDomain.equals(fromDomain)) {
                return p;
            }
            if (rec.nonExistentPolicy() != null && !exists(fromDomain)) {
                return rec.nonExistentPolicy();
            }
            return rec.subdomainPolicy() != null ? rec.subdomainPolicy() : p;
        }

        /** RFC 9091 §2.1: a name is non-existent when A, AAAA and MX all give NXDOMAIN or NODATA. */
        private boolean exists(String domain) {
            DnsResult<?> a = dns.a(domain);
            if (!a.status().isEmpty()) {
                return true;
            }
            if (a.status() == DnsStatus.NXDOMAIN) {
                return false;
            }
            return !dns.aaaa(domain).status().isEmpty() || !dns.mx(domain).status().isEmpty();
        }

        private boolean aligned(String id, String fromDomain, String fromOrg, boolean strict) {
            String d = strip(id);
            if (d.equals(fromDomain)) {
                return true;
            }
            if (strict) {
                return false;
            }
            if (!d.equals(fromOrg) && !d.endsWith("." + fromOrg)) {
                return false; // cannot share the organizational domain
            }
            return orgDomain(d).equals(fromOrg);
        }

        private Found discover(String fromDomain) {
            if (mode == DmarcMode.RFC7489) {
                Found f = lookup(fromDomain);
                if (f != null) {
                    return f;
                }
                String org = psl.organizationalDomain(fromDomain);
                return org.equals(fromDomain) ? null : lookup(org);
            }
            for (String name : walk(fromDomain)) {
                Found f = lookup(name);
                if (f != null) {
                    return f;
                }
            }
            return null;
        }

        private String orgDomain(String domain) {
            if (mode == DmarcMode.RFC7489) {
                return psl.organizationalDomain(domain);
            }
            List<String> names = walk(domain);
            String lastFound = null;
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                Found f = lookup(name);
                if (f == null || f.record == null) {
                    continue;
                }
                if (f.record.psd() == 'n') {
                    return name;
                }
                if (f.record.psd() == 'y' && i > 0) {
                    return oneBelow(domain, name);
                }
                lastFound = name;
            }
            return lastFound != null ? lastFound : domain;
        }

        private Found lookup(String domain) {
            if (lookups.containsKey(domain)) {
                return lookups.get(domain);
            }
            DnsResult<String> r = prefetched.remove(domain);
            if (r == null) {
                r = dns.txt("_dmarc." + domain);
            }
            if (r.status().isTemporary()) {
                throw new TempFail("DNS " + r.detail());
            }
            Found f = null;
            List<String> candidates = new ArrayList<>();
            for (String t : r.records()) {
                if (DmarcRecord.isDmarc1(t)) {
                    candidates.add(t);
                }
            }
            if (candidates.size() == 1) {
                Object rec = parse(candidates.get(0));
                f = rec instanceof DmarcRecord ? new Found(domain, (DmarcRecord) rec, null) : new Found(domain, null, (String) rec);
            }
            // Several v=DMARC1 records: as if none (RFC 7489 §6.6.3 step 3, RFC 9989 §4.10.1).
            lookups.put(domain, f);
            return f;
        }
    }

    /** The names a DNS tree walk queries (RFC 9989 §4.10): the domain, then shorter ones, at most 8 queries. */
    static List<String> walk(String domain) {
        String[] labels = strip(domain).split("\\.");
        List<String> out = new ArrayList<>();
        out.add(strip(domain));
        int n = labels.length;
        while (n > 1) {
            n = n >= 8 ? 7 : n - 1;
            out.add(String.join(".", java.util.Arrays.copyOfRange(labels, labels.length - n, labels.length)));
        }
        return out;
    }

    /** The ancestor of {@code domain} with one label more than {@code ancestor}. */
    private static String oneBelow(String domain, String ancestor) {
        String[] labels = domain.split("\\.");
        int n = ancestor.split("\\.").length + 1;
        return String.join(".", java.util.Arrays.copyOfRange(labels, Math.max(0, labels.length - n), labels.length));
    }

    private static String strip(String d) {
        String s = d.toLowerCase(Locale.ROOT);
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /** Options; the default mode is RFC 9989. */
    public static final class Builder {
        private final DnsResolver dns;
        private DmarcMode mode = DmarcMode.RFC9989;
        private PublicSuffixList psl;
        private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
        private java.util.concurrent.Executor executor;
        private DmarcPolicy temperrorDisposition = DmarcPolicy.NONE;

        private Builder(DnsResolver dns) {
            this.dns = Objects.requireNonNull(dns, "dns");
        }

        public Builder mode(DmarcMode mode) {
            this.mode = Objects.requireNonNull(mode);
            return this;
        }

        /** The list used in RFC 7489 mode (default: the pinned built-in list). */
        public Builder publicSuffixList(PublicSuffixList psl) {
            this.psl = psl;
            return this;
        }

        /** Source of uniform [0,1) numbers for pct sampling (tests pin it). */
        public Builder random(DoubleSupplier random) {
            this.random = random;
            return this;
        }

        /** Sends the RFC 9989 tree walk's independent queries concurrently on this executor; null = one by one. */
        public Builder executor(java.util.concurrent.Executor executor) {
            this.executor = executor;
            return this;
        }

        /**
         * The disposition of a temperror (default none: deliver, tagged dmarc=temperror); quarantine
         * is allowed, reject is not: the receiver's own DNS trouble never rejects mail for good.
         */
        public Builder temperrorDisposition(DmarcPolicy disposition) {
            if (disposition == DmarcPolicy.REJECT) {
                throw new IllegalArgumentException("a temperror is never rejected: none or quarantine");
            }
            this.temperrorDisposition = Objects.requireNonNull(disposition);
            return this;
        }

        public DmarcEvaluator build() {
            return new DmarcEvaluator(this);
        }
    }
}

package io.mailsec.dmarc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What DMARC needs from the message and the earlier stages: the From domains, the SPF result with
 * the domain SPF checked (MAIL FROM domain, or the HELO name for the null sender), and the DKIM
 * results with their d= domains. DMARC never re-evaluates SPF or DKIM.
 */
public final class DmarcInput {
    /** One DKIM signature outcome: the signing domain (d=) and the result word (pass, fail, ...). */
    public static final class Dkim {
        private final String domain;
        private final String result;
        private final String selector;

        public Dkim(String domain, String selector, String result) {
            this.domain = domain == null ? "" : domain.toLowerCase(Locale.ROOT);
            this.selector = selector;
            this.result = result == null ? "none" : result.toLowerCase(Locale.ROOT);
        }

        public String domain() {
            return domain;
        }

        public String selector() {
            return selector;
        }

        public String result() {
            return result;
        }

        @Override
        public String toString() {
            return "dkim=" + result + " d=" + domain + (selector == null ? "" : " s=" + selector);
        }
    }

    private final FromDomains from;
    private final String spfResult;
    private final String spfDomain;
    private final List<Dkim> dkim;

    private DmarcInput(FromDomains from, String spfResult, String spfDomain, List<Dkim> dkim) {
        this.from = from;
        this.spfResult = spfResult == null ? "none" : spfResult.toLowerCase(Locale.ROOT);
        this.spfDomain = spfDomain == null ? null : spfDomain.toLowerCase(Locale.ROOT);
        this.dkim = List.copyOf(dkim);
    }

    public static Builder builder(FromDomains from) {
        return new Builder(from);
    }

    public FromDomains from() {
        return from;
    }

    public String spfResult() {
        return spfResult;
    }

    public String spfDomain() {
        return spfDomain;
    }

    public List<Dkim> dkim() {
        return dkim;
    }

    public static final class Builder {
        private final FromDomains from;
        private String spfResult = "none";
        private String spfDomain;
        private final List<Dkim> dkim = new ArrayList<>();

        private Builder(FromDomains from) {
            this.from = from;
        }

        public Builder spf(String result, String domain) {
            this.spfResult = result;
            this.spfDomain = domain;
            return this;
        }

        public Builder dkim(String domain, String selector, String result) {
            dkim.add(new Dkim(domain, selector, result));
            return this;
        }

        public Builder dkim(List<Dkim> results) {
            dkim.addAll(results);
            return this;
        }

        public DmarcInput build() {
            return new DmarcInput(from, spfResult, spfDomain, dkim);
        }
    }
}

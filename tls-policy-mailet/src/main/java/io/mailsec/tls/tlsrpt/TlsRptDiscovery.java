package io.mailsec.tls.tlsrpt;

import java.util.Objects;
import java.util.Optional;

import io.mailsec.core.dns.DnsResolver;
import io.mailsec.core.dns.SingleTxtRecord;

/**
 * Where a Policy Domain wants its reports: the {@code _smtp._tls.<domain>} TXT record (RFC 8460 §3),
 * looked up through mailsec's DNS. Records not beginning {@code v=TLSRPTv1;} are discarded; if the
 * number left is not one, the domain does not implement TLS-RPT (and is sent no report). A record's
 * character-strings are joined without spaces, which {@link DnsResolver#txt} already does.
 */
public final class TlsRptDiscovery {
    private final DnsResolver dns;

    public TlsRptDiscovery(DnsResolver dns) {
        this.dns = Objects.requireNonNull(dns, "dns");
    }

    /** What the lookup found. */
    public static final class Outcome {
        /** The kinds of answer. */
        public enum Kind {
            /** Exactly one valid record: {@link #record()} is set. */
            FOUND,
            /** No TLS-RPT: no record, none beginning v=TLSRPTv1, several, or one with bad syntax. */
            NONE,
            /** DNS failed (timeout, SERVFAIL): ask again later before giving up on the report. */
            TEMPFAIL
        }

        private final Kind kind;
        private final TlsRptRecord record;
        private final String detail;

        private Outcome(Kind kind, TlsRptRecord record, String detail) {
            this.kind = kind;
            this.record = record;
            this.detail = detail;
        }

        public Kind kind() {
            return kind;
        }

        public Optional<TlsRptRecord> record() {
            return Optional.ofNullable(record);
        }

        /** What was found, for a person. */
        public String detail() {
            return detail;
        }

        @Override
        public String toString() {
            return kind + ": " + detail;
        }
    }

    public Outcome discover(String policyDomain) {
        String name = "_smtp._tls." + DomainNames.normalize(policyDomain);
        SingleTxtRecord txt = SingleTxtRecord.find(dns, name, TlsRptRecord::isTlsRptRecord, "v=TLSRPTv1;",
                n -> n + " v=TLSRPTv1 records at " + name + ": RFC 8460 §3 then treats the domain as not implementing TLS-RPT");
        if (txt.kind() != SingleTxtRecord.Kind.FOUND) {
            return new Outcome(txt.kind() == SingleTxtRecord.Kind.TEMPFAIL ? Outcome.Kind.TEMPFAIL : Outcome.Kind.NONE, null, txt.detail());
        }
        try {
            return new Outcome(Outcome.Kind.FOUND, TlsRptRecord.parse(txt.record()), txt.detail());
        } catch (IllegalArgumentException e) {
            return new Outcome(Outcome.Kind.NONE, null, "TXT record at " + name + " is invalid: " + e.getMessage());
        }
    }
}

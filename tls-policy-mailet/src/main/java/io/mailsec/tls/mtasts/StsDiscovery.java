package io.mailsec.tls.mtasts;

import java.util.Objects;

import io.mailsec.core.dns.DnsResolver;
import io.mailsec.core.dns.SingleTxtRecord;

/** Looks up the {@code _mta-sts.<domain>} TXT record and says whether the domain announces a policy (RFC 8461 §3.1). */
public final class StsDiscovery {
    private final DnsResolver dns;

    public StsDiscovery(DnsResolver dns) {
        this.dns = Objects.requireNonNull(dns, "dns");
    }

    /** What the TXT lookup said. */
    public static final class Outcome {
        /** The kinds of answer. */
        public enum Kind {
            /** Exactly one valid {@code v=STSv1} record: {@link #id()} is set. */
            FOUND,
            /** No usable record: none, none starting {@code v=STSv1}, more than one, or one with bad syntax. */
            NONE,
            /** DNS failed (timeout, SERVFAIL): nothing is known. */
            TEMPFAIL
        }

        private final Kind kind;
        private final String id;
        private final String detail;

        private Outcome(Kind kind, String id, String detail) {
            this.kind = kind;
            this.id = id;
            this.detail = detail;
        }

        public Kind kind() {
            return kind;
        }

        /** The record's id when {@link Kind#FOUND}, else null. */
        public String id() {
            return id;
        }

        /** What was found, for a person. */
        public String detail() {
            return detail;
        }

        @Override
        public String toString() {
            return kind + (id == null ? "" : " id=" + id) + ": " + detail;
        }
    }

    public Outcome discover(String domain) {
        String name = "_mta-sts." + domain;
        SingleTxtRecord txt = SingleTxtRecord.find(dns, name, StsTxtRecord::isStsRecord, "v=STSv1",
                n -> n + " v=STSv1 TXT records at " + name + ": RFC 8461 §3.1 allows exactly one");
        if (txt.kind() != SingleTxtRecord.Kind.FOUND) {
            return new Outcome(txt.kind() == SingleTxtRecord.Kind.TEMPFAIL ? Outcome.Kind.TEMPFAIL : Outcome.Kind.NONE, null, txt.detail());
        }
        try {
            StsTxtRecord r = StsTxtRecord.parse(txt.record());
            return new Outcome(Outcome.Kind.FOUND, r.id(), "TXT " + name + " id=" + r.id());
        } catch (IllegalArgumentException e) {
            return new Outcome(Outcome.Kind.NONE, null, "TXT record at " + name + " is invalid: " + e.getMessage());
        }
    }
}

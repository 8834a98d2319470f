package io.mailsec.core.dns.dnssec;

/** A mode's reading of one response: the DNSSEC status and, for failures, why. */
final class Judgement {
    final DnssecStatus status;
    final String reason;

    Judgement(DnssecStatus status, String reason) {
        this.status = status;
        this.reason = reason;
    }

    static Judgement of(DnssecStatus status) {
        return new Judgement(status, null);
    }
}

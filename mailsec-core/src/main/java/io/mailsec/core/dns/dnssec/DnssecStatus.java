package io.mailsec.core.dns.dnssec;

/**
 * What DNSSEC says about one answer, in the terms RFC 7672 §2.1 uses for DANE. Delivery reads it as:
 * {@link #SECURE} records (or a secure denial) may be used for DANE; {@link #INSECURE} means "no
 * DANE" for this name, not a failure; {@link #BOGUS} and {@link #INDETERMINATE} mean the answer is
 * not usable now (RFC 7672 §2.2: defer, never fall back to delivery without DANE).
 */
public enum DnssecStatus {
    /** Validated from the trust anchor: the records, or the NXDOMAIN/NODATA proof, are authentic. */
    SECURE,
    /**
     * Provably unsigned (an insecure delegation: no DS in a signed parent), outside every trust
     * anchor, signed only with algorithms this validator cannot verify (RFC 4035 §5.2), or DNSSEC off.
     * The records are returned; they are ordinary DNS data.
     */
    INSECURE,
    /**
     * Should be secure but failed validation (expired or broken signatures, missing RRSIGs or
     * denial proofs). No records are ever returned with it.
     */
    BOGUS,
    /**
     * No answer to judge: a timeout, SERVFAIL or REFUSED, a network error — or, from a validating
     * resolver trusted for its AD bit, a SERVFAIL that does not say whether the answer was bogus.
     */
    INDETERMINATE;

    /** True for answers that say nothing usable and must be retried later (RFC 7672 §2.2: defer). */
    public boolean isFailure() {
        return this == BOGUS || this == INDETERMINATE;
    }
}

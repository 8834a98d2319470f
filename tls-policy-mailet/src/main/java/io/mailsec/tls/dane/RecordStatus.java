package io.mailsec.tls.dane;

/** What became of one TLSA record when the server's chain was matched against it. */
public enum RecordStatus {
    /** The record authenticates the server. */
    MATCHED,
    /** Its association data matches no certificate of the chain (nor, for DANE-TA(2), anything that issued one). */
    NO_MATCH,
    /**
     * Not used: the RRset has a record of the same usage and selector with a stronger digest
     * (SHA2-512 over SHA2-256), which RFC 7671 §9 says to use instead.
     */
    IGNORED_WEAKER_DIGEST,
    /** DANE-TA(2) matched, but the server certificate names none of the reference names (RFC 7672 §3.2.3). */
    NAME_MISMATCH,
    /** DANE-TA(2) matched, but a certificate from the leaf up to the trust anchor is outside its validity period. */
    EXPIRED,
    /** DANE-TA(2) matched, but the chain from the leaf to the trust anchor does not verify (signature, CA constraints). */
    CHAIN_INVALID,
    /** The record cannot be used at all ({@link UnusableRecord}). */
    UNUSABLE
}

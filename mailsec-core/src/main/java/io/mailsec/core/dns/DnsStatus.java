package io.mailsec.core.dns;

/** Outcome kinds of a DNS query; protocols map them to their own verdicts (e.g. SPF temperror vs none). */
public enum DnsStatus {
    /** The name exists and has records of the requested type. */
    OK,
    /** The name does not exist (RCODE 3). */
    NXDOMAIN,
    /** The name exists but has no records of the requested type. */
    NODATA,
    /** No answer in time from any server. */
    TIMEOUT,
    /** The server failed (SERVFAIL, REFUSED, malformed answer). */
    SERVFAIL;

    /** True for results that say nothing about the data and may change on retry. */
    public boolean isTemporary() {
        return this == TIMEOUT || this == SERVFAIL;
    }

    /** True when the name or type definitively has no data ("void lookup" in RFC 7208 terms). */
    public boolean isEmpty() {
        return this == NXDOMAIN || this == NODATA;
    }
}

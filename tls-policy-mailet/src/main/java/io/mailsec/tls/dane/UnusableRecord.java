package io.mailsec.tls.dane;

import java.util.Optional;

/**
 * A TLSA record that cannot take part in authentication, and why: it could not be read, or it uses a
 * parameter this client does not support (RFC 6698 §4.1, RFC 7671 §4), which for SMTP includes the
 * PKIX usages (RFC 7672 §3.1.3).
 */
public final class UnusableRecord {
    private final String text;
    private final TlsaRecord record;
    private final String reason;

    UnusableRecord(String text, TlsaRecord record, String reason) {
        this.text = text;
        this.record = record;
        this.reason = reason;
    }

    /** The record as given (presentation form, or the rdata in hex when it came from the wire). */
    public String text() {
        return text;
    }

    /** The record, when it could be read at all. */
    public Optional<TlsaRecord> record() {
        return Optional.ofNullable(record);
    }

    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return text + ": " + reason;
    }
}

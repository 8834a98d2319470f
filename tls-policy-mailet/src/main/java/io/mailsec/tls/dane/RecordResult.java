package io.mailsec.tls.dane;

import java.util.Locale;
import java.util.Optional;

/** One TLSA record's part in a {@link DaneVerdict}: its status, where in the chain it matched, and why. */
public final class RecordResult {
    private final String text;
    private final TlsaRecord record;
    private final RecordStatus status;
    private final int depth;
    private final String detail;

    RecordResult(String text, TlsaRecord record, RecordStatus status, int depth, String detail) {
        this.text = text;
        this.record = record;
        this.status = status;
        this.depth = depth;
        this.detail = detail;
    }

    static RecordResult of(TlsaRecord record, RecordStatus status, int depth, String detail) {
        return new RecordResult(record.presentation(), record, status, depth, detail);
    }

    static RecordResult unusable(UnusableRecord u) {
        return new RecordResult(u.text(), u.record().orElse(null), RecordStatus.UNUSABLE, -1, u.reason());
    }

    /** The record in presentation form (as given, when it could not be read). */
    public String text() {
        return text;
    }

    /** The record; empty only for one that could not be read. */
    public Optional<TlsaRecord> record() {
        return Optional.ofNullable(record);
    }

    public RecordStatus status() {
        return status;
    }

    /**
     * Where the record matched, or -1: 0 is the server certificate, 1 its issuer, and so on up the
     * chain. A trust-anchor certificate from the record itself (the server did not send it) counts
     * one above the certificate it issued; a bare trust-anchor key counts at the certificate it
     * signed. That is the depth OpenSSL's {@code SSL_get0_dane_authority} reports.
     */
    public int depth() {
        return depth;
    }

    /** Why: what matched, or what failed. */
    public String detail() {
        return detail;
    }

    @Override
    public String toString() {
        TlsaRecord r = record;
        return (r != null ? r.shortForm() : text) + ": " + status.name().toLowerCase(Locale.ROOT).replace('_', '-')
                + (depth >= 0 ? " at depth " + depth : "") + " (" + detail + ")";
    }
}

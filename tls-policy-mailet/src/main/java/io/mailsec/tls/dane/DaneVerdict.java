package io.mailsec.tls.dane;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The outcome of matching a server's chain against its TLSA RRset: authenticated or not, which
 * record matched, and what became of every record ({@link #results()}), usable or not.
 */
public final class DaneVerdict {
    /** The three outcomes RFC 7672 distinguishes once TLSA records were found. */
    public enum Outcome {
        /** A usable record matched: the server is authenticated (deliver). */
        AUTHENTICATED,
        /**
         * Usable records exist and none authenticated the server: RFC 7672 §2.2 says not to deliver
         * to this server (try the next MX, or defer).
         */
        NOT_AUTHENTICATED,
        /**
         * Records exist but none is usable (RFC 7672 §2.2): TLS is still mandatory, since the records
         * say the server does STARTTLS, but DANE cannot authenticate it; deliver over unauthenticated TLS.
         */
        NO_USABLE_RECORDS
    }

    private final Outcome outcome;
    private final RecordResult matched;
    private final List<RecordResult> results;

    DaneVerdict(Outcome outcome, RecordResult matched, List<RecordResult> results) {
        this.outcome = outcome;
        this.matched = matched;
        this.results = List.copyOf(results);
    }

    public Outcome outcome() {
        return outcome;
    }

    public boolean authenticated() {
        return outcome == Outcome.AUTHENTICATED;
    }

    /** The record that authenticated the server (DANE-EE(3) before DANE-TA(2), then the lowest depth). */
    public Optional<RecordResult> matched() {
        return Optional.ofNullable(matched);
    }

    /** The depth of the matched record, -1 when none matched (see {@link RecordResult#depth()}). */
    public int depth() {
        return matched == null ? -1 : matched.depth();
    }

    /** Every record of the RRset: the usable ones in the order given, then the unusable ones. */
    public List<RecordResult> results() {
        return results;
    }

    /**
     * The RFC 8460 §4.3 result type a TLS-RPT report would give this session, empty when authenticated:
     * {@code tlsa-invalid} when no record is usable; for a failure, {@code certificate-host-mismatch}
     * when a trust anchor matched but the names did not, {@code certificate-expired} when a certificate
     * on the path was outside its validity, else {@code validation-failure}. (RFC 8460 counts a
     * {@code tlsa-invalid} session as a failure even though the mail goes out over unauthenticated TLS.)
     */
    public Optional<String> tlsRptResultType() {
        switch (outcome) {
            case AUTHENTICATED:
                return Optional.empty();
            case NO_USABLE_RECORDS:
                return Optional.of("tlsa-invalid");
            default:
                if (has(RecordStatus.NAME_MISMATCH)) {
                    return Optional.of("certificate-host-mismatch");
                }
                if (has(RecordStatus.EXPIRED)) {
                    return Optional.of("certificate-expired");
                }
                return Optional.of("validation-failure");
        }
    }

    private boolean has(RecordStatus s) {
        return results.stream().anyMatch(r -> r.status() == s);
    }

    /** One line for the log and a DSN: what matched, or what each record said. */
    public String reason() {
        switch (outcome) {
            case AUTHENTICATED:
                return matched.record().map(r -> r.mnemonic() + " record " + r.shortForm()).orElse(matched.text())
                        + " matched at depth " + matched.depth() + ": " + matched.detail();
            case NO_USABLE_RECORDS:
                return "no usable TLSA record: " + join();
            default:
                return "no TLSA record authenticates the server: " + join();
        }
    }

    private String join() {
        return results.stream().map(RecordResult::toString).collect(Collectors.joining("; "));
    }

    @Override
    public String toString() {
        return outcome + ": " + reason();
    }
}

package io.mailsec.tls.tlsrpt;

import java.util.List;

/** A received report and what in it departs from RFC 8460 without making it unreadable. */
public final class ParsedReport {
    private final TlsRptReport report;
    private final List<String> warnings;

    ParsedReport(TlsRptReport report, List<String> warnings) {
        this.report = report;
        this.warnings = List.copyOf(warnings);
    }

    public TlsRptReport report() {
        return report;
    }

    /** E.g. {@code policies[0].policy.mx-host: a string, not an array (taken as one host)}. */
    public List<String> warnings() {
        return warnings;
    }
}

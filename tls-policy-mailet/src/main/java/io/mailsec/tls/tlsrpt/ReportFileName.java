package io.mailsec.tls.tlsrpt;

import java.time.Instant;
import java.util.Objects;

/**
 * The report's file name (RFC 8460 §5, the name of the mail's attachment):
 * {@code sender "!" policy-domain "!" begin-timestamp "!" end-timestamp ["!" unique-id] "." extension},
 * the sender being the submitter's domain, the timestamps seconds since the epoch of the report's
 * date range, the extension {@code json.gz} or {@code json}:
 * {@code mx.example.net!example.com!1764720000!1764806399.json.gz}.
 */
public final class ReportFileName {
    private ReportFileName() {
    }

    /** The name of the gzipped report. */
    public static String of(TlsRptReport report, String submitterDomain) {
        return of(submitterDomain, report.policyDomain().orElseThrow(() -> new IllegalArgumentException("the report names no policy domain")),
                report.start(), report.end(), null, true);
    }

    /**
     * @param uniqueId letters and digits only, or null to leave it out (one report per day and domain needs none)
     * @param gzip     {@code .json.gz} or {@code .json}
     */
    public static String of(String submitterDomain, String policyDomain, Instant start, Instant end, String uniqueId, boolean gzip) {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (uniqueId != null && !uniqueId.matches("[A-Za-z0-9]+")) {
            throw new IllegalArgumentException("unique-id must be letters and digits (RFC 8460 §5), got '" + uniqueId + "'");
        }
        return DomainNames.normalize(submitterDomain) + "!" + DomainNames.normalize(policyDomain) + "!" + start.getEpochSecond() + "!"
                + end.getEpochSecond() + (uniqueId == null ? "" : "!" + uniqueId) + (gzip ? ".json.gz" : ".json");
    }
}

package io.mailsec.tls.tlsrpt;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Builds the mail that carries a report to a {@code mailto:} {@code rua} (RFC 8460 §5.3):
 *
 * <pre>
 * From: tls-reports@mx.example.net
 * To: tlsrpt@example.com
 * Date: Fri, 4 Dec 2026 03:00:00 +0000
 * Subject: Report Domain: example.com Submitter: mx.example.net
 *  Report-ID: &lt;2026-12-03_example.com@mx.example.net&gt;
 * Message-ID: &lt;...@mx.example.net&gt;
 * TLS-Report-Domain: example.com
 * TLS-Report-Submitter: mx.example.net
 * TLS-Required: No
 * Auto-Submitted: auto-generated
 * MIME-Version: 1.0
 * Content-Type: multipart/report; report-type="tlsrpt"; boundary="..."
 *
 * (text/plain: what the report covers)
 * (application/tlsrpt+gzip, base64, attachment; filename="mx.example.net!example.com!1764720000!1764806399.json.gz")
 * </pre>
 *
 * {@code TLS-Required: No} (RFC 8689) because a report about broken TLS must get through that very
 * TLS: RFC 8460 asks that reports be delivered despite TLS failures. {@code Auto-Submitted} (RFC 3834)
 * keeps vacation responders quiet. The sending glue DKIM-signs the bytes (receivers may insist on a
 * signature; RFC 8460 registers the DKIM service type {@code tlsrpt} for keys that sign reports) and submits.
 */
public final class ReportMessageBuilder {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.US).withZone(ZoneOffset.UTC);

    private final ReportSubmitter submitter;
    private final Clock clock;

    public ReportMessageBuilder(ReportSubmitter submitter, Clock clock) {
        this.submitter = Objects.requireNonNull(submitter, "submitter");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * @param from the report's sender address (RFC 5321/5322), e.g. {@code tls-reports@<submitter domain>}
     * @param to   the addresses of the domain's {@code mailto:} URIs
     */
    public ReportMessage build(TlsRptReport report, String from, List<String> to) {
        if (to.isEmpty()) {
            throw new IllegalArgumentException("no recipient");
        }
        String domain = report.policyDomain().orElseThrow(() -> new IllegalArgumentException("the report names no policy domain"));
        String fileName = ReportFileName.of(report, submitter.domain());
        byte[] gz = ReportBytes.gzip(ReportJsonWriter.write(report));
        String boundary = "tlsrpt-" + UUID.randomUUID();

        List<Map.Entry<String, String>> h = new ArrayList<>();
        add(h, "From", from);
        add(h, "To", String.join(", ", to));
        add(h, "Date", DATE.format(clock.instant()));
        add(h, "Subject", "Report Domain: " + domain + " Submitter: " + submitter.domain() + " Report-ID: <" + report.reportId() + ">");
        add(h, "Message-ID", "<" + UUID.randomUUID() + "@" + submitter.domain() + ">");
        add(h, "TLS-Report-Domain", domain);
        add(h, "TLS-Report-Submitter", submitter.domain());
        add(h, "TLS-Required", "No");
        add(h, "Auto-Submitted", "auto-generated");
        add(h, "MIME-Version", "1.0");
        add(h, "Content-Type", "multipart/report; report-type=\"tlsrpt\"; boundary=\"" + boundary + "\"");

        StringBuilder b = new StringBuilder(gz.length * 4 / 3 + 1024);
        b.append("This is a multipart message in MIME format.\r\n");
        b.append("\r\n--").append(boundary).append("\r\n");
        b.append("Content-Type: text/plain; charset=\"us-ascii\"\r\n");
        b.append("Content-Transfer-Encoding: 7bit\r\n\r\n");
        b.append(summary(report, domain)).append("\r\n");
        b.append("\r\n--").append(boundary).append("\r\n");
        b.append("Content-Type: ").append(ReportBytes.GZIP_TYPE).append("\r\n");
        b.append("Content-Transfer-Encoding: base64\r\n");
        b.append(ReportMessage.fold("Content-Disposition", "attachment; filename=\"" + fileName + "\""));
        b.append("\r\n");
        b.append(Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encodeToString(gz)).append("\r\n");
        b.append("\r\n--").append(boundary).append("--\r\n");
        ByteArrayOutputStream body = new ByteArrayOutputStream(b.length());
        body.writeBytes(b.toString().getBytes(StandardCharsets.US_ASCII));
        return new ReportMessage(h, body.toByteArray(), fileName, gz);
    }

    private String summary(TlsRptReport r, String domain) {
        long ok = 0;
        long failed = 0;
        for (ReportPolicy p : r.policies()) {
            ok += p.successes();
            failed += p.failures();
        }
        return "This is an aggregate TLS report (RFC 8460) from " + submitter.domain() + "\r\n"
                + "for " + domain + ", covering " + r.start() + " to " + r.end() + ":\r\n"
                + ok + " successful and " + failed + " failed sessions.";
    }

    private static void add(List<Map.Entry<String, String>> h, String name, String value) {
        h.add(new AbstractMap.SimpleImmutableEntry<>(name, Objects.requireNonNull(value, name)));
    }
}

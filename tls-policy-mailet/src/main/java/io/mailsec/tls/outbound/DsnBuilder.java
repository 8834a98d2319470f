package io.mailsec.tls.outbound;

import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Builds an RFC 3464 delivery status notification (multipart/report; report-type=delivery-status):
 * a human-readable part (for TLS failures: "TLS unavailable", the remote host and the failed step),
 * a message/delivery-status part with one block per failed recipient (Status 5.7.10 for TLS), and
 * the original headers (text/rfc822-headers, RFC 3462) rather than the whole message. The result is
 * the message's bytes, 7-bit clean (non-ASCII text is RFC 2047 / base64 encoded), so it travels
 * through any MTA; the James glue parses it into the mail it sends.
 */
public final class DsnBuilder {
    private static final DateTimeFormatter RFC5322 = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);
    private static final String CRLF = "\r\n";

    private DsnBuilder() {
    }

    public static byte[] build(String reportingMta, String postmaster, String originalSender, String originalMessageId,
                               String originalSubject, Date arrival, String originalHeaders, List<RecipientOutcome> failed) {
        return build(reportingMta, postmaster, originalSender, originalMessageId, originalSubject, arrival, originalHeaders, failed, null);
    }

    /**
     * A "delayed" report (RFC 3464 {@code Action: delayed}): the recipients' mail is still queued and will
     * be retried until {@code willRetryUntil}; sent once per message.
     */
    public static byte[] delayed(String reportingMta, String postmaster, String originalSender, String originalMessageId,
                                 String originalSubject, Date arrival, String originalHeaders, List<RecipientOutcome> pending,
                                 Date willRetryUntil) {
        return build(reportingMta, postmaster, originalSender, originalMessageId, originalSubject, arrival, originalHeaders, pending,
                willRetryUntil);
    }

    private static byte[] build(String reportingMta, String postmaster, String originalSender, String originalMessageId,
                                String originalSubject, Date arrival, String originalHeaders, List<RecipientOutcome> failed,
                                Date willRetryUntil) {
        boolean delayed = willRetryUntil != null;
        boolean tls = failed.stream().anyMatch(RecipientOutcome::tlsFailure);
        String boundary = "=_mailsec_dsn_" + UUID.randomUUID();
        StringBuilder m = new StringBuilder(2048);
        header(m, "From", "<" + postmaster + ">");
        header(m, "To", "<" + originalSender + ">");
        header(m, "Subject", encodedWord((delayed ? "Delayed Mail (still being retried)" : "Undelivered Mail Returned to Sender")
                + (tls ? " (TLS unavailable)" : "")
                + (originalSubject == null ? "" : ": " + originalSubject)));
        header(m, "Date", date(new Date()));
        header(m, "Message-ID", "<" + UUID.randomUUID() + "@" + reportingMta + ">");
        header(m, "Auto-Submitted", "auto-replied");
        if (originalMessageId != null) {
            header(m, "In-Reply-To", originalMessageId);
            header(m, "References", originalMessageId);
        }
        header(m, "MIME-Version", "1.0");
        header(m, "Content-Type", "multipart/report; report-type=delivery-status;" + CRLF + "\tboundary=\"" + boundary + "\"");
        m.append(CRLF).append("This is a MIME-encapsulated delivery status notification.").append(CRLF);

        StringBuilder human = new StringBuilder();
        human.append("This is the mail system at ").append(reportingMta).append(".\r\n\r\n");
        if (delayed) {
            human.append("Your message has not been delivered yet to the following recipients. No action is required\r\n")
                 .append("on your part: delivery will be retried until ").append(date(willRetryUntil)).append(",\r\n")
                 .append("and you will be told if it fails for good.\r\n");
        } else {
            human.append("Your message could not be delivered to the following recipients.\r\n");
        }
        if (tls) {
            human.append("TLS unavailable: the destination's TLS policy requires an encrypted (and for 'verify',\r\n")
                 .append("authenticated) connection, which could not be established, so the message was not sent.\r\n");
        }
        human.append("\r\n");
        for (RecipientOutcome o : failed) {
            human.append("<").append(o.recipient()).append(">: ");
            if (o.tlsFailure()) {
                human.append("TLS unavailable at remote host ").append(o.remote() == null ? "(none)" : o.remote())
                     .append(", failed step: ").append(o.step()).append(". ");
            } else if (o.remote() != null) {
                human.append("remote host ").append(o.remote()).append(" (step ").append(o.step()).append(") said: ");
            }
            human.append(o.diagnostic()).append("\r\n");
        }
        part(m, boundary, "text/plain; charset=UTF-8", "Notification", human.toString());

        StringBuilder status = new StringBuilder();
        status.append("Reporting-MTA: dns; ").append(reportingMta).append("\r\n");
        if (arrival != null) {
            status.append("Arrival-Date: ").append(date(arrival)).append("\r\n");
        }
        for (RecipientOutcome o : failed) {
            status.append("\r\n");
            status.append("Final-Recipient: rfc822; ").append(o.recipient()).append("\r\n");
            status.append(delayed ? "Action: delayed\r\n" : "Action: failed\r\n");
            status.append("Status: ").append(o.status()).append("\r\n");
            if (o.remote() != null) {
                String host = o.remote().contains(" [") ? o.remote().substring(0, o.remote().indexOf(" [")) : o.remote();
                status.append("Remote-MTA: dns; ").append(host).append("\r\n");
            }
            if (delayed) {
                status.append("Will-Retry-Until: ").append(date(willRetryUntil)).append("\r\n");
            }
            String diag = (o.tlsFailure() ? "TLS unavailable; step " + o.step() + "; " : "") + o.diagnostic();
            status.append("Diagnostic-Code: ").append(o.tlsFailure() || !diag.matches("^[245]\\d\\d .*") ? "X-mailsec; " : "smtp; ")
                  .append(fold(diag.replaceAll("[\\r\\n]+", " "))).append("\r\n");
        }
        // RFC 3464 §2.1: the report fields are US-ASCII; a non-ASCII diagnostic keeps its shape
        part(m, boundary, "message/delivery-status", "Delivery report", status.toString().replaceAll("[^\\x20-\\x7e\\r\\n]", "?"));
        part(m, boundary, "text/rfc822-headers", "Undelivered Message Headers", originalHeaders == null ? "" : originalHeaders);
        m.append("--").append(boundary).append("--").append(CRLF);
        return m.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static void header(StringBuilder m, String name, String value) {
        m.append(name).append(": ").append(value).append(CRLF);
    }

    private static String date(Date d) {
        return RFC5322.format(ZonedDateTime.ofInstant(d.toInstant(), ZoneId.systemDefault()));
    }

    /** One body part: ASCII text as it is, anything else base64 (UTF-8), so the DSN stays 7-bit. */
    private static void part(StringBuilder m, String boundary, String contentType, String description, String text) {
        m.append("--").append(boundary).append(CRLF);
        header(m, "Content-Type", contentType);
        header(m, "Content-Description", description);
        if (ascii(text)) {
            header(m, "Content-Transfer-Encoding", "7bit");
            m.append(CRLF).append(text);
            if (!text.endsWith(CRLF)) {
                m.append(CRLF);
            }
        } else {
            header(m, "Content-Transfer-Encoding", "base64");
            m.append(CRLF).append(Base64.getMimeEncoder(76, CRLF.getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(text.getBytes(StandardCharsets.UTF_8))).append(CRLF);
        }
    }

    private static boolean ascii(String s) {
        return s.chars().allMatch(c -> c < 128 && (c >= 32 || c == '\r' || c == '\n' || c == '\t'));
    }

    /** An unstructured header value: as it is when ASCII, else RFC 2047 encoded words (UTF-8, B), each at most 75 characters. */
    static String encodedWord(String value) {
        String v = value.replaceAll("[\\r\\n]+", " ");
        if (ascii(v)) {
            return v;
        }
        StringBuilder out = new StringBuilder();
        StringBuilder chunk = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < v.length(); ) {
            int cp = v.codePointAt(i);
            String c = new String(Character.toChars(cp));
            int n = c.getBytes(StandardCharsets.UTF_8).length;
            if (bytes + n > 45) { // 45 bytes -> 60 base64 characters + 12 of "=?UTF-8?B?" and "?=" = 72
                appendWord(out, chunk);
                chunk.setLength(0);
                bytes = 0;
            }
            chunk.append(c);
            bytes += n;
            i += Character.charCount(cp);
        }
        appendWord(out, chunk);
        return out.toString();
    }

    private static void appendWord(StringBuilder out, CharSequence chunk) {
        if (out.length() > 0) {
            out.append(CRLF).append(' ');
        }
        out.append("=?UTF-8?B?").append(Base64.getEncoder().encodeToString(chunk.toString().getBytes(StandardCharsets.UTF_8))).append("?=");
    }

    private static String fold(String s) {
        StringBuilder sb = new StringBuilder();
        int col = 0;
        for (String word : s.split(" ")) {
            if (col > 0 && col + word.length() > 72) {
                sb.append("\r\n ");
                col = 1;
            } else if (col > 0) {
                sb.append(' ');
                col++;
            }
            sb.append(word);
            col += word.length();
        }
        return sb.toString();
    }
}

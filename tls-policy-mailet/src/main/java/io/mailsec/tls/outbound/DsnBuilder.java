package io.mailsec.tls.outbound;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import javax.activation.DataHandler;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import javax.mail.util.ByteArrayDataSource;

/**
 * Builds an RFC 3464 delivery status notification (multipart/report; report-type=delivery-status):
 * a human-readable part (for TLS failures: "TLS unavailable", the remote host and the failed step),
 * a message/delivery-status part with one block per failed recipient (Status 5.7.10 for TLS), and
 * the original headers (text/rfc822-headers, RFC 3462) rather than the whole message.
 */
public final class DsnBuilder {
    private static final DateTimeFormatter RFC5322 = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

    private DsnBuilder() {
    }

    public static MimeMessage build(String reportingMta, String postmaster, String originalSender, String originalMessageId,
                                    String originalSubject, Date arrival, String originalHeaders,
                                    List<RecipientOutcome> failed) throws MessagingException {
        MimeMessage dsn = new MimeMessage(Session.getInstance(new Properties()));
        dsn.setFrom(new InternetAddress(postmaster, false));
        dsn.setRecipients(javax.mail.Message.RecipientType.TO, originalSender);
        boolean tls = failed.stream().anyMatch(RecipientOutcome::tlsFailure);
        dsn.setSubject("Undelivered Mail Returned to Sender" + (tls ? " (TLS unavailable)" : "")
                + (originalSubject == null ? "" : ": " + originalSubject), "UTF-8");
        dsn.setSentDate(new Date());
        dsn.setHeader("Auto-Submitted", "auto-replied");
        if (originalMessageId != null) {
            dsn.setHeader("In-Reply-To", originalMessageId);
            dsn.setHeader("References", originalMessageId);
        }

        StringBuilder human = new StringBuilder();
        human.append("This is the mail system at ").append(reportingMta).append(".\r\n\r\n");
        human.append("Your message could not be delivered to the following recipients.\r\n");
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
        MimeBodyPart p1 = new MimeBodyPart();
        p1.setText(human.toString(), "UTF-8");
        p1.setHeader("Content-Description", "Notification");

        StringBuilder status = new StringBuilder();
        status.append("Reporting-MTA: dns; ").append(reportingMta).append("\r\n");
        if (arrival != null) {
            status.append("Arrival-Date: ").append(RFC5322.format(ZonedDateTime.ofInstant(arrival.toInstant(), ZoneId.systemDefault()))).append("\r\n");
        }
        for (RecipientOutcome o : failed) {
            status.append("\r\n");
            status.append("Final-Recipient: rfc822; ").append(o.recipient()).append("\r\n");
            status.append("Action: failed\r\n");
            status.append("Status: ").append(o.status()).append("\r\n");
            if (o.remote() != null) {
                String host = o.remote().contains(" [") ? o.remote().substring(0, o.remote().indexOf(" [")) : o.remote();
                status.append("Remote-MTA: dns; ").append(host).append("\r\n");
            }
            String diag = (o.tlsFailure() ? "TLS unavailable; step " + o.step() + "; " : "") + o.diagnostic();
            status.append("Diagnostic-Code: ").append(o.tlsFailure() || !diag.matches("^[245]\\d\\d .*") ? "X-mailsec; " : "smtp; ")
                  .append(fold(diag.replaceAll("[\\r\\n]+", " "))).append("\r\n");
        }
        MimeBodyPart p2 = new MimeBodyPart();
        p2.setDataHandler(new DataHandler(new ByteArrayDataSource(status.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                "message/delivery-status")));
        p2.setHeader("Content-Type", "message/delivery-status");
        p2.setHeader("Content-Description", "Delivery report");

        MimeBodyPart p3 = new MimeBodyPart();
        p3.setDataHandler(new DataHandler(new ByteArrayDataSource((originalHeaders == null ? "" : originalHeaders).getBytes(java.nio.charset.StandardCharsets.UTF_8), "text/rfc822-headers")));
        p3.setHeader("Content-Type", "text/rfc822-headers");
        p3.setHeader("Content-Description", "Undelivered Message Headers");

        MimeMultipart mp = new MimeMultipart("report");
        mp.addBodyPart(p1);
        mp.addBodyPart(p2);
        mp.addBodyPart(p3);
        dsn.setContent(mp);
        dsn.setHeader("Content-Type", mp.getContentType() + "; report-type=delivery-status");
        dsn.saveChanges();
        dsn.setHeader("Content-Type", mp.getContentType() + "; report-type=delivery-status");
        return dsn;
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

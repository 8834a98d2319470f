package io.mailsec.core.james;

import io.mailsec.core.config.Parameters;
import javax.mail.MessagingException;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

/**
 * Marks each mail as seen by mailsec: sets the attribute {@code mailsec.version} and, unless
 * {@code headerName} is empty, the header {@code X-Mailsec: mailsec}. Its use is operational: one
 * look at a delivered message tells whether the mailsec jars were loaded from extensions-jars/.
 * The header carries the version only with {@code discloseVersion=true}: a version in every
 * outgoing mail tells attackers which flaws to try.
 *
 * <p>Init parameters {@code headerName} (default {@code X-Mailsec}), {@code discloseVersion} (default false).
 */
public final class MailsecStamp extends GenericMailet {
    public static final AttributeName VERSION_ATTRIBUTE = AttributeName.of("mailsec.version");

    private String headerName;
    private String version;
    private String headerValue;

    @Override
    public void init() throws MessagingException {
        Parameters<MessagingException> p = Parameters.of(getMailetConfig(), java.util.Set.of("headerName", "discloseVersion"));
        // an empty element (<headerName/>) means no header
        String configured = p.given("headerName");
        headerName = configured != null && configured.isBlank() ? "" : p.string("headerName", "X-Mailsec");
        if (!headerName.isEmpty() && !headerName.matches("[!-9;-~]+")) {
            throw p.bad("headerName", headerName, "a header field name");
        }
        version = MailsecVersion.get();
        headerValue = p.bool("discloseVersion", false) ? "mailsec " + version : "mailsec";
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        mail.setAttribute(new Attribute(VERSION_ATTRIBUTE, AttributeValue.of(version)));
        if (!headerName.isEmpty()) {
            // No saveChanges(): James saves once when it writes the message.
            mail.getMessage().setHeader(headerName, headerValue);
        }
    }

    @Override
    public String getMailetInfo() {
        return "mailsec stamp";
    }
}

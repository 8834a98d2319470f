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
 * {@code headerName} is empty, a header naming the mailsec version. Its use is operational: one
 * look at a delivered message tells whether the mailsec jars were loaded from extensions-jars/.
 *
 * <p>Init parameter {@code headerName} (default {@code X-Mailsec}).
 */
public final class MailsecStamp extends GenericMailet {
    public static final AttributeName VERSION_ATTRIBUTE = AttributeName.of("mailsec.version");

    private String headerName;
    private String version;

    @Override
    public void init() throws MessagingException {
        Parameters<MessagingException> p = Parameters.of(getMailetConfig(), java.util.Set.of("headerName"));
        // an empty element (<headerName/>) means no header
        String configured = p.given("headerName");
        headerName = configured != null && configured.isBlank() ? "" : p.string("headerName", "X-Mailsec");
        if (!headerName.isEmpty() && !headerName.matches("[!-9;-~]+")) {
            throw p.bad("headerName", headerName, "a header field name");
        }
        version = MailsecVersion.get();
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        mail.setAttribute(new Attribute(VERSION_ATTRIBUTE, AttributeValue.of(version)));
        if (!headerName.isEmpty()) {
            // No saveChanges(): James saves once when it writes the message.
            mail.getMessage().setHeader(headerName, "mailsec " + version);
        }
    }

    @Override
    public String getMailetInfo() {
        return "mailsec stamp";
    }
}

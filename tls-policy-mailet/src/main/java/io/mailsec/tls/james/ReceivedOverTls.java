package io.mailsec.tls.james;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

/**
 * Matches all recipients of mail received over TLS (attribute {@code mailsec.tls.used} set by
 * {@link TlsReceivedHook}), optionally with a minimum protocol version:
 * {@code ReceivedOverTls} or {@code ReceivedOverTls=TLSv1.2}.
 */
public class ReceivedOverTls extends GenericMatcher {
    private static final List<String> ORDER = List.of("SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");
    private int minimum = -1;

    @Override
    public void init() throws MessagingException {
        String c = getCondition();
        if (c != null && !c.isBlank()) {
            minimum = ORDER.indexOf(c.trim());
            if (minimum < 0) {
                throw new MessagingException("ReceivedOverTls: invalid condition '" + c + "': expected one of " + ORDER);
            }
        }
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        boolean tls = mail.getAttribute(MailsecTlsAttributes.TLS_USED).map(Attribute::getValue)
                .map(v -> Boolean.TRUE.equals(v.value())).orElse(false);
        if (!tls) {
            return List.of();
        }
        if (minimum >= 0) {
            Optional<String> protocol = mail.getAttribute(MailsecTlsAttributes.PROTOCOL).map(a -> String.valueOf(a.getValue().value()));
            int got = protocol.map(ORDER::indexOf).orElse(-1);
            if (got < minimum) {
                return List.of();
            }
        }
        return mail.getRecipients();
    }
}

package io.mailsec.dmarc.james;

import java.util.Collection;
import java.util.Set;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

/**
 * Matches mail whose DMARC disposition is listed:
 * {@code match="io.mailsec.dmarc.james.DmarcDispositionIs=reject"} or {@code =quarantine}.
 */
public class DmarcDispositionIs extends GenericMatcher {
    private Set<String> dispositions;

    @Override
    public void init() throws MessagingException {
        dispositions = DmarcMatcherSupport.words("DmarcDispositionIs", getCondition(), Set.of("none", "quarantine", "reject"));
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        return DmarcMatcherSupport.match(mail, DmarcAttributes.DISPOSITION, dispositions);
    }
}

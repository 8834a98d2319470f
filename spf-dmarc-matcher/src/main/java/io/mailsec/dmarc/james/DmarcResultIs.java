package io.mailsec.dmarc.james;

import java.util.Collection;
import java.util.Set;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

/** Matches mail whose DMARC result is listed: {@code match="io.mailsec.dmarc.james.DmarcResultIs=fail"}. */
public class DmarcResultIs extends GenericMatcher {
    private Set<String> results;

    @Override
    public void init() throws MessagingException {
        results = DmarcMatcherSupport.words("DmarcResultIs", getCondition(),
                Set.of("pass", "fail", "none", "temperror", "permerror"));
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        return DmarcMatcherSupport.match(mail, DmarcAttributes.RESULT, results);
    }
}

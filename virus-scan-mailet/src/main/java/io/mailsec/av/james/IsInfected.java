package io.mailsec.av.james;

import io.mailsec.av.Verdict;
import java.util.Collection;
import java.util.List;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

/** Matches (all recipients) when {@link VirusScan} recorded the verdict "infected". */
public class IsInfected extends GenericMatcher {
    @Override
    public Collection<MailAddress> match(Mail mail) {
        return AvAttributes.verdict(mail).filter(v -> v == Verdict.INFECTED).isPresent()
            ? mail.getRecipients() : List.of();
    }
}

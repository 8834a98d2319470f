package io.mailsec.spf.james;

import io.mailsec.spf.SpfResult;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

/**
 * Matches mail whose SPF result (attribute {@code mailsec.spf.result}, set by {@link SpfCheck}) is
 * one of the listed results: {@code match="io.mailsec.spf.james.SpfResultIs=fail,softfail"}.
 */
public class SpfResultIs extends GenericMatcher {
    private final Set<SpfResult> results = EnumSet.noneOf(SpfResult.class);

    @Override
    public void init() throws MessagingException {
        String cond = getCondition();
        if (cond == null || cond.isBlank()) {
            throw new MessagingException("SpfResultIs needs a condition: a list of SPF results, e.g. fail,softfail");
        }
        for (String w : cond.split("[,\\s]+")) {
            if (w.isEmpty()) {
                continue;
            }
            try {
                results.add(SpfResult.parse(w));
            } catch (IllegalArgumentException e) {
                throw new MessagingException("invalid SpfResultIs condition '" + cond + "': unknown result '" + w + "'");
            }
        }
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        Optional<Attribute> a = mail.getAttribute(AttributeName.of(SpfAttributes.RESULT));
        if (a.isPresent() && a.get().getValue().value() instanceof String) {
            try {
                if (results.contains(SpfResult.parse((String) a.get().getValue().value()))) {
                    return mail.getRecipients();
                }
            } catch (IllegalArgumentException e) {
                return List.of();
            }
        }
        return List.of();
    }

    @Override
    public String getMatcherInfo() {
        return "mailsec SPF result matcher";
    }
}

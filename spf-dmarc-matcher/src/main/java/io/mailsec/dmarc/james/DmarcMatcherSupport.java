package io.mailsec.dmarc.james;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;

/** Shared parsing and matching for the DMARC matchers: a condition is a list of words. */
final class DmarcMatcherSupport {
    private DmarcMatcherSupport() {
    }

    static Set<String> words(String matcher, String condition, Set<String> allowed) throws MessagingException {
        if (condition == null || condition.isBlank()) {
            throw new MessagingException(matcher + " needs a condition, one or more of " + allowed);
        }
        Set<String> out = new TreeSet<>();
        for (String w : condition.split("[,\\s]+")) {
            if (w.isEmpty()) {
                continue;
            }
            String l = w.toLowerCase(Locale.ROOT);
            if (!allowed.contains(l)) {
                throw new MessagingException("invalid " + matcher + " condition '" + condition + "': '" + w
                        + "' is not one of " + allowed);
            }
            out.add(l);
        }
        return out;
    }

    static Collection<MailAddress> match(Mail mail, String attribute, Set<String> wanted) {
        return mail.getAttribute(AttributeName.of(attribute))
                .map(a -> a.getValue().value())
                .filter(String.class::isInstance)
                .map(v -> ((String) v).toLowerCase(Locale.ROOT))
                .filter(wanted::contains)
                .map(v -> mail.getRecipients())
                .orElse(List.of());
    }
}

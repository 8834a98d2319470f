package io.mailsec.dkim.james;

import io.mailsec.dkim.DkimResult;
import io.mailsec.dkim.DkimResultsJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.mail.MessagingException;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

/**
 * Matches mail whose DKIM results (attribute {@value DkimVerify#ATTRIBUTE} set by {@link DkimVerify})
 * include the given result: {@code DkimResultIs=pass}, {@code =fail}, {@code =none} (no signature, or
 * no DkimVerify ran), {@code =temperror}, {@code =permerror}, {@code =neutral}; optionally for one
 * signing domain ({@code pass:example.com}); several alternatives comma-separated
 * ({@code temperror,permerror}).
 */
public class DkimResultIs extends GenericMatcher {
    private final List<String[]> wanted = new ArrayList<>();

    @Override
    public void init() throws MessagingException {
        String condition = getCondition();
        if (condition == null || condition.isBlank()) {
            throw new MessagingException("DkimResultIs: condition required, e.g. DkimResultIs=pass");
        }
        for (String part : condition.split(",")) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            int colon = p.indexOf(':');
            String result = colon < 0 ? p : p.substring(0, colon);
            String domain = colon < 0 ? null : p.substring(colon + 1);
            try {
                DkimResult.Status.of(result);
            } catch (IllegalArgumentException e) {
                throw new MessagingException("DkimResultIs: bad condition '" + part.trim()
                        + "' (pass, fail, neutral, none, temperror or permerror, optionally :domain)");
            }
            if (domain != null && domain.isEmpty()) {
                throw new MessagingException("DkimResultIs: bad condition '" + part.trim() + "' (empty domain)");
            }
            wanted.add(new String[] {result, domain});
        }
    }

    @Override
    public Collection<MailAddress> match(Mail mail) throws MessagingException {
        List<DkimResult> results = results(mail);
        for (String[] w : wanted) {
            if (w[0].equals("none") && results.isEmpty()) {
                return mail.getRecipients();
            }
            for (DkimResult r : results) {
                if (r.result().equals(w[0]) && (w[1] == null || r.domain().equalsIgnoreCase(w[1]))) {
                    return mail.getRecipients();
                }
            }
        }
        return List.of();
    }

    static List<DkimResult> results(Mail mail) throws MessagingException {
        Optional<Attribute> a = mail.getAttribute(AttributeName.of(DkimVerify.ATTRIBUTE));
        if (a.isEmpty()) {
            return List.of();
        }
        Object v = a.get().getValue().value();
        try {
            return DkimResultsJson.fromJson(String.valueOf(v));
        } catch (IOException | IllegalArgumentException e) {
            throw new MessagingException("DkimResultIs: attribute " + DkimVerify.ATTRIBUTE + " is not DKIM results JSON", e);
        }
    }

    @Override
    public String getMatcherInfo() {
        return "mailsec DKIM result matcher";
    }
}

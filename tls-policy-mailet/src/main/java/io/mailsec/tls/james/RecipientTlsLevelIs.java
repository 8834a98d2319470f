package io.mailsec.tls.james;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

import io.mailsec.core.runtime.MailsecRuntime;
import io.mailsec.tls.policy.PolicyStore;
import io.mailsec.tls.policy.TlsLevel;

/**
 * Matches the recipients whose outbound policy level is one of the listed levels:
 * {@code RecipientTlsLevelIs=encrypt,verify}. The policy file is the system property
 * {@code mailsec.tls.policyFile} or {@code conf/mailsec-tls.policy}; append {@code ;FILE} to name
 * another ({@code RecipientTlsLevelIs=encrypt,verify;/etc/mailsec/tls.policy}).
 * James splits the mail so that matched and unmatched recipients continue separately.
 */
public class RecipientTlsLevelIs extends GenericMatcher {
    private final Set<TlsLevel> levels = EnumSet.noneOf(TlsLevel.class);
    private PolicyStore store;

    private final MailsecRuntime runtime;

    /** Outside James (the CLI, tests): the standalone runtime. */
    public RecipientTlsLevelIs() {
        this(MailsecRuntime.standalone());
    }

    /** Inside James: the server's one runtime ({@code MailsecModule}). */
    @Inject
    public RecipientTlsLevelIs(MailsecRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public void init() throws MessagingException {
        String c = getCondition();
        if (c == null || c.isBlank()) {
            throw new MessagingException("RecipientTlsLevelIs: missing condition: expected levels, e.g. RecipientTlsLevelIs=encrypt,verify");
        }
        String file = null;
        int semi = c.indexOf(';');
        if (semi >= 0) {
            file = c.substring(semi + 1).trim();
            c = c.substring(0, semi);
        }
        for (String w : c.split(",")) {
            TlsLevel l = TlsLevel.parse(w.trim());
            if (l == null) {
                throw new MessagingException("RecipientTlsLevelIs: invalid condition '" + getCondition()
                        + "': unknown level '" + w.trim() + "' (expected none, may, encrypt, verify)");
            }
            levels.add(l);
        }
        java.util.Map<String, String> values = new java.util.HashMap<>();
        if (file != null) {
            values.put("policyFile", file);
        }
        store = PolicyStores.open(io.mailsec.core.config.Parameters.of("RecipientTlsLevelIs", values), runtime);
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        List<MailAddress> out = new ArrayList<>();
        var outbound = store.current().outbound();
        for (MailAddress r : mail.getRecipients()) {
            if (levels.contains(outbound.lookup(r.asString()).level())) {
                out.add(r);
            }
        }
        return out;
    }
}

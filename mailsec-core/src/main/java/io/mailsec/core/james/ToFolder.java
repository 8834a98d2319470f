package io.mailsec.core.james;

import io.mailsec.core.config.Parameters;
import javax.mail.MessagingException;

import javax.inject.Inject;

import org.apache.james.core.MailAddress;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.user.api.UsersRepositoryException;
import org.apache.mailet.Mail;
import org.apache.mailet.StorageDirective;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files the mail into a folder of each recipient's mailbox (default {@code Spam}) instead of INBOX,
 * through James's storage directive that {@code LocalDelivery} honours. Used for DMARC
 * {@code quarantine}: the recipient still has the mail, away from the inbox. Put it after
 * {@code Sieve}, so that it wins over a user's own filing rules, and before {@code LocalDelivery}.
 *
 * <pre>{@code
 * <mailet match="io.mailsec.dmarc.james.DmarcDispositionIs=quarantine" class="io.mailsec.core.james.ToFolder">
 *     <folder>Spam</folder>
 * </mailet>
 * }</pre>
 */
public final class ToFolder extends GenericMailet {
    private static final Logger LOG = LoggerFactory.getLogger(ToFolder.class);

    private final UsersRepository users;
    private String folder;

    /** James creates mailets through Guice, which supplies its users repository here. */
    @Inject
    public ToFolder(UsersRepository users) {
        this.users = users;
    }

    @Override
    public void init() throws MessagingException {
        Parameters<MessagingException> p = Parameters.of(getMailetConfig(), java.util.Set.of("folder"));
        folder = p.string("folder", "Spam");
        if (folder.startsWith(".") || folder.contains("..")) {
            throw p.bad("folder", folder, "a mailbox name such as Spam");
        }
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        StorageDirective directive = StorageDirective.builder().targetFolder(folder).build();
        for (MailAddress rcpt : mail.getRecipients()) {
            try {
                // The same user name LocalDelivery will compute (full address with virtual hosting).
                directive.encodeAsAttributes(users.getUsername(rcpt)).forEach(mail::setAttribute);
            } catch (UsersRepositoryException e) {
                throw new MessagingException("ToFolder: cannot map " + rcpt.asString() + " to a user", e);
            }
        }
        LOG.info("event=filed-to-folder mail={} folder={} recipients={}", mail.getName(), folder, mail.getRecipients().size());
    }

    @Override
    public String getMailetInfo() {
        return "mailsec ToFolder";
    }
}

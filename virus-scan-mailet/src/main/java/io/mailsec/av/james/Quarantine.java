package io.mailsec.av.james;

import javax.inject.Inject;
import javax.mail.MessagingException;
import io.mailsec.core.config.Parameters;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores the mail in a James MailRepository as it stands (current header fields, body bytes as
 * received), however broken its MIME, and records where: {@link AvAttributes#QUARANTINE_REPOSITORY}
 * and {@link AvAttributes#QUARANTINE_KEY}, which {@link VirusWarning} needs before it tells anyone the
 * mail is kept. James's {@code ToRepository} re-serialises a mail whose headers changed through
 * JavaMail's {@code saveChanges()}, which throws for a multipart whose boundary never occurs; then
 * the mail went to the error processor instead of the quarantine.
 *
 * <p>A store that fails leaves no partial entry: what was written is removed and the exception goes
 * to James's {@code onMailetException} handling (the shipped error processor keeps stopped mail and
 * never bounces it).
 *
 * <p>Parameters: {@code repositoryPath} (required, e.g. {@code file://var/mail/quarantine/});
 * {@code passThrough} (default false: the mail ends here, like ToRepository; true: it goes on to the
 * next mailet, e.g. VirusWarning).
 */
public class Quarantine extends GenericMailet {
    private static final Logger LOG = LoggerFactory.getLogger(Quarantine.class);

    private final MailRepositoryStore store;
    private MailRepositoryUrl url;
    private MailRepository repository;
    private boolean passThrough;

    @Inject
    public Quarantine(MailRepositoryStore store) {
        this.store = store;
    }

    /** Every init parameter this mailet reads. */
    public static final java.util.Set<String> PARAMETERS = java.util.Set.of("repositoryPath", "passThrough");

    @Override
    public void init() throws MessagingException {
        Parameters<MessagingException> p = Parameters.of(getMailetConfig(), PARAMETERS);
        String path = p.required("repositoryPath", "a mail repository URL such as file://var/mail/quarantine/");
        try {
            url = MailRepositoryUrl.from(path);
            repository = store.select(url);
        } catch (RuntimeException | MailRepositoryStore.MailRepositoryStoreException e) {
            throw p.bad("repositoryPath", path, "a mail repository of a protocol registered in mailrepositorystore.xml ("
                + e.getMessage() + ")");
        }
        passThrough = p.bool("passThrough", false);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        String key = mail.getName();
        if (mail instanceof MailImpl) {
            ((MailImpl) mail).setMessageNoCopy(MessageAsItStands.copy(key, mail.getMessage()));
        } else {
            mail.setMessage(MessageAsItStands.copy(key, mail.getMessage()));
        }
        try {
            repository.store(mail);
        } catch (MessagingException | RuntimeException e) {
            removePartialEntry(key);
            LOG.error("quarantine store-failed mail={} repository={} error=\"{}\"", key, url.asString(), e.getMessage());
            throw e;
        }
        AvAttributes.set(mail, AvAttributes.QUARANTINE_REPOSITORY, url.asString());
        AvAttributes.set(mail, AvAttributes.QUARANTINE_KEY, key);
        LOG.info("quarantine stored mail={} repository={} verdict={} viruses=\"{}\"", key, url.asString(),
            AvAttributes.string(mail, AvAttributes.VERDICT).orElse("none"),
            AvAttributes.string(mail, AvAttributes.VIRUSES).orElse(""));
        if (!passThrough) {
            mail.setState(Mail.GHOST);
        }
    }

    private void removePartialEntry(String key) {
        try {
            repository.remove(new MailKey(key));
        } catch (MessagingException | RuntimeException e) {
            LOG.warn("quarantine cleanup-failed mail={} repository={} error=\"{}\"", key, url.asString(), e.getMessage());
        }
    }

    @Override
    public String getMailetInfo() {
        return "mailsec Quarantine";
    }
}

package io.mailsec.av.james;

import io.mailsec.av.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.SimpleDateFormat;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;
import io.mailsec.core.config.Parameters;
import io.mailsec.core.james.JamesPaths;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a warning about a stopped (infected or unscannable) mail, from a template, never with the
 * mail's content: to the sender when the mail was submitted by an authenticated user (outgoing), and
 * to each local recipient (incoming); both when both apply. Never to an unauthenticated sender
 * (backscatter). Recipients that came from a mailing list (after alias expansion) are ordinary local
 * recipients here and are warned too. Opted-out addresses ({@code optOutFile}) and addresses over the
 * per-recipient {@code rateLimit} get nothing. The mail itself is not changed.
 *
 * <p>The warning says the mail is kept in quarantine, so it is only sent for mail that
 * {@link Quarantine} stored (it records the repository and key this mailet quotes): put it after
 * {@code Quarantine} with {@code passThrough=true}. A mail without that record gets no warning and
 * a WARN line {@code virus-warning skipped ... reason=not-quarantined}.
 */
public class VirusWarning extends GenericMailet {
    private static final Logger LOG = LoggerFactory.getLogger(VirusWarning.class);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-zA-Z]+)}");
    static final String MARKER_HEADER = "X-Mailsec-Virus-Warning";

    private String subjectTemplate;
    private String bodyTemplate;
    private boolean warnSender;
    private boolean warnRecipients;
    private OptOutList optOut;
    private RateLimiter rateLimiter;
    private String fromSpec;
    private MailAddress from;

    /** Every init parameter this mailet reads. */
    public static final Set<String> PARAMETERS = Set.of("language", "templateDirectory", "warnSender", "warnRecipients",
        "optOutFile", "rateLimit", "from");

    @Override
    public void init() throws MessagingException {
        Parameters<MessagingException> p = Parameters.of(getMailetConfig(), PARAMETERS);
        String language = p.string("language", "en");
        if (!language.matches("[a-zA-Z]{2,8}(-[a-zA-Z0-9]{1,8})?")) {
            throw p.bad("language", language, "a language tag such as en or ja");
        }
        String dir = p.string("templateDirectory", null);
        String template = loadTemplate(p, dir, language);
        int split = template.indexOf("\n\n");
        String first = split >= 0 ? template.substring(0, split) : "";
        if (!first.startsWith("Subject:")) {
            throw p.bad(dir != null ? "templateDirectory" : "language", dir != null ? dir : language,
                "a template whose first line is 'Subject: ...' followed by an empty line");
        }
        subjectTemplate = first.substring("Subject:".length()).trim();
        bodyTemplate = template.substring(split + 2);
        warnSender = p.bool("warnSender", true);
        warnRecipients = p.bool("warnRecipients", true);
        // must exist when configured: an empty file means nobody opted out
        Path optOutPath = p.file("optOutFile");
        optOut = new OptOutList(optOutPath);
        String rate = p.string("rateLimit", "10/1h");
        try {
            rateLimiter = RateLimiter.parse(rate, System::currentTimeMillis);
        } catch (IllegalArgumentException e) {
            throw p.bad("rateLimit", rate, "COUNT/DURATION such as 10/1h");
        }
        fromSpec = p.string("from", null);
        if (fromSpec != null) {
            try {
                from = new MailAddress(fromSpec);
            } catch (javax.mail.internet.AddressException e) {
                throw p.bad("from", fromSpec, "an e-mail address");
            }
        }
        LOG.info("VirusWarning init language={} templateDirectory={} warnSender={} warnRecipients={} optOutFile={} rateLimit={}",
            language, dir == null ? "(built-in)" : JamesPaths.resolve(dir), warnSender, warnRecipients, optOutPath, rate);
    }

    private String loadTemplate(Parameters<MessagingException> p, String dir, String language) throws MessagingException {
        String name = "virus-warning-" + language.toLowerCase(Locale.ROOT) + ".txt";
        try {
            if (dir != null) {
                Path f = p.directory("templateDirectory").resolve(name);
                if (!Files.isReadable(f)) {
                    throw p.bad("templateDirectory", dir, "a directory containing " + name + " (" + f + " is not readable)");
                }
                return Files.readString(f, StandardCharsets.UTF_8).replace("\r\n", "\n");
            }
            try (InputStream in = VirusWarning.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw p.bad("language", language, "en or ja (or set templateDirectory)");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
            }
        } catch (IOException e) {
            throw new MessagingException("cannot read warning template " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String getMailetInfo() {
        return "mailsec VirusWarning";
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        Verdict verdict = AvAttributes.verdict(mail).orElse(null);
        if (verdict != Verdict.INFECTED && verdict != Verdict.UNSCANNABLE) {
            return;
        }
        String key = AvAttributes.string(mail, AvAttributes.QUARANTINE_KEY).orElse(null);
        if (key == null) {
            LOG.warn("virus-warning skipped mail={} reason=not-quarantined (put VirusWarning after Quarantine)", mail.getName());
            return;
        }
        Set<MailAddress> targets = new LinkedHashSet<>();
        boolean authenticated = mail.getAttribute(Mail.SMTP_AUTH_USER).isPresent();
        if (warnSender && authenticated && mail.getMaybeSender().asOptional().isPresent()) {
            targets.add(mail.getMaybeSender().get());
        }
        if (warnRecipients) {
            for (MailAddress r : mail.getRecipients()) {
                if (getMailetContext().isLocalServer(r.getDomain()) || getMailetContext().isLocalEmail(r)) {
                    targets.add(r);
                }
            }
        }
        Map<String, String> values = values(mail, verdict, key);
        for (MailAddress target : targets) {
            String addr = target.asString();
            if (optOut.contains(addr)) {
                LOG.info("virus-warning skipped mail={} to={} reason=opted-out", mail.getName(), addr);
                continue;
            }
            if (!rateLimiter.tryAcquire(addr.toLowerCase(Locale.ROOT))) {
                LOG.info("virus-warning skipped mail={} to={} reason=rate-limited", mail.getName(), addr);
                continue;
            }
            MailAddress sender = from != null ? from : getMailetContext().getPostmaster();
            if (sender == null) {
                sender = new MailAddress("postmaster", target.getDomain());
            }
            getMailetContext().sendMail(sender, List.of(target), warning(sender, target, values));
            LOG.info("virus-warning sent mail={} to={} verdict={} viruses=\"{}\"", mail.getName(), addr,
                verdict.word(), values.get("virus"));
        }
    }

    private Map<String, String> values(Mail mail, Verdict verdict, String quarantineKey) throws MessagingException {
        MimeMessage m = mail.getMessage();
        String subject = m.getSubject();
        Date sent = m.getSentDate();
        List<String> rcpts = new ArrayList<>();
        mail.getRecipients().forEach(r -> rcpts.add(r.asString()));
        String viruses = AvAttributes.string(mail, AvAttributes.VIRUSES).orElse("");
        String reason = AvAttributes.string(mail, AvAttributes.REASON).orElse("");
        SimpleDateFormat rfc5322 = new SimpleDateFormat("EEE, d MMM yyyy HH:mm:ss Z", Locale.US);
        return Map.of(
            "verdict", verdict.word(),
            "virus", clean(viruses.isEmpty() ? reason : viruses),
            "reason", clean(reason),
            "subject", clean(subject == null ? "(no subject)" : subject),
            "sender", mail.getMaybeSender().asString(),
            "recipients", String.join(", ", rcpts),
            "date", rfc5322.format(sent != null ? sent : new Date()),
            "quarantineKey", quarantineKey);
    }

    private static String clean(String s) {
        String t = s.replaceAll("[\\p{Cntrl}&&[^\\t]]+", " ");
        return t.length() > 500 ? t.substring(0, 500) + "..." : t;
    }

    private MimeMessage warning(MailAddress sender, MailAddress to, Map<String, String> values) throws MessagingException {
        MimeMessage w = new MimeMessage(Session.getInstance(new java.util.Properties()));
        try {
            w.setFrom(new InternetAddress(sender.asString(), "Mail virus scanner", "UTF-8"));
        } catch (java.io.UnsupportedEncodingException e) {
            w.setFrom(sender.toInternetAddress().orElseThrow());
        }
        w.setRecipients(javax.mail.Message.RecipientType.TO, to.asString());
        w.setSubject(fill(subjectTemplate, values), "UTF-8");
        w.setSentDate(new Date());
        w.setText(fill(bodyTemplate, values), "UTF-8");
        w.setHeader("Auto-Submitted", "auto-generated");
        w.setHeader(MARKER_HEADER, values.get("quarantineKey"));
        w.saveChanges();
        return w;
    }

    static String fill(String template, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            m.appendReplacement(sb, Matcher.quoteReplacement(v != null ? v : m.group()));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}

package io.mailsec.spf.james;

import java.net.InetAddress;
import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailsec.core.config.DnsParameters;
import io.mailsec.core.config.Parameters;
import io.mailsec.core.runtime.MailsecRuntime;
import io.mailsec.spf.NetworkList;
import io.mailsec.spf.ParallelLookups;
import io.mailsec.spf.SpfEvaluator;
import io.mailsec.spf.SpfVerdict;

/**
 * Evaluates SPF (RFC 7208) for the MAIL FROM identity (and optionally HELO) of incoming mail, stores
 * the results as {@link SpfAttributes} and prepends a Received-SPF header (§9.1). Mail from trusted
 * networks and authenticated senders is skipped (configurable). Never fails a mail for DNS or record
 * problems: those are temperror/permerror results.
 *
 * <pre>{@code
 * <mailet match="All" class="io.mailsec.spf.james.SpfCheck">
 *   <dnsServers>127.0.0.53</dnsServers>
 *   <receiver>mx.example.org</receiver>
 * </mailet>
 * }</pre>
 */
public class SpfCheck extends GenericMailet {
    private static final Logger LOG = LoggerFactory.getLogger(SpfCheck.class);

    private SpfEvaluator spf;
    private String receiver;
    private boolean addHeader;
    private boolean checkHelo;
    private boolean skipAuthenticated;
    private NetworkList trustedNetworks;

    private final MailsecRuntime runtime;

    /** Outside James (the CLI, tests): the standalone runtime. */
    public SpfCheck() {
        this(MailsecRuntime.standalone());
    }

    /** Inside James: the server's one runtime ({@code MailsecModule}). */
    @Inject
    public SpfCheck(MailsecRuntime runtime) {
        this.runtime = runtime;
    }

    /** Every init parameter this mailet reads. */
    public static final java.util.Set<String> PARAMETERS = Parameters.union(DnsParameters.NAMES, java.util.Set.of("receiver",
            "addHeader", "checkHelo", "skipAuthenticated", TrustedNetworksParameter.NAME, "defaultExplanation", "parallelLookups"));

    @Override
    public void init() throws MessagingException {
        Parameters<MessagingException> p = Parameters.of(getMailetConfig(), PARAMETERS);
        receiver = p.string("receiver", localHostName());
        addHeader = p.bool("addHeader", true);
        checkHelo = p.bool("checkHelo", true);
        skipAuthenticated = p.bool("skipAuthenticated", true);
        trustedNetworks = TrustedNetworksParameter.read(p);
        String explanation = p.string("defaultExplanation", SpfEvaluator.DEFAULT_EXPLANATION);
        io.mailsec.core.dns.DnsResolver dns = DnsParameters.resolver(p, runtime);
        boolean parallel = p.bool("parallelLookups", true);
        try {
            spf = SpfEvaluator.builder(dns).receiver(receiver)
                    .defaultExplanation(explanation)
                    .executor(parallel ? ParallelLookups.sharedExecutor() : null).build();
        } catch (IllegalArgumentException e) {
            throw p.bad("defaultExplanation", explanation, "an SPF macro string (" + e.getMessage() + ")");
        }
    }

    /** For tests and embedding: use this evaluator instead of one built from the parameters. */
    void setEvaluator(SpfEvaluator evaluator) {
        this.spf = evaluator;
    }

    static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        String ip = mail.getRemoteAddr();
        if (skipAuthenticated && mail.getAttribute(Mail.SMTP_AUTH_USER).isPresent()) {
            skip(mail, "authenticated");
            return;
        }
        if (trustedNetworks.contains(ip)) {
            skip(mail, "trusted-network");
            return;
        }
        if (ip == null || ip.isBlank()) {
            skip(mail, "no-client-address"); // mail created inside James (bounces, notifications)
            return;
        }
        String helo = helo(mail);
        String sender = mail.getMaybeSender().isNullSender() ? "" : mail.getMaybeSender().asString();
        SpfVerdict v = spf.checkMailFrom(ip, sender, helo);
        set(mail, SpfAttributes.RESULT, v.result().word());
        if (v.domain() != null) { // null when the client address could not be parsed (permerror)
            set(mail, SpfAttributes.DOMAIN, v.domain());
        }
        set(mail, SpfAttributes.IDENTITY, sender.isEmpty() ? "helo" : "mailfrom");
        if (v.mechanism() != null) {
            set(mail, SpfAttributes.MECHANISM, v.mechanism());
        }
        if (v.explanation() != null) {
            set(mail, SpfAttributes.EXPLANATION, v.explanation());
        }
        String heloResult = null;
        if (checkHelo && helo != null && !helo.isEmpty()) {
            heloResult = sender.isEmpty() ? v.result().word() : spf.checkHelo(ip, helo).result().word();
            set(mail, SpfAttributes.HELO_RESULT, heloResult);
        }
        // DEBUG: DmarcCheck's INFO line carries the SPF result of every mail it evaluates.
        LOG.debug("spf mail={} ip={} sender={} helo={} result={} mechanism={} helo_result={} problem={}", mail.getName(), ip,
                sender.isEmpty() ? "<>" : sender, helo, v.result().word(), v.mechanism(), heloResult,
                v.problem() == null ? "" : '"' + v.problem() + '"');
        if (addHeader) {
            MimeMessage message = mail.getMessage();
            // No saveChanges(): James saves once when it writes the message; for multipart mail
            // an extra saveChanges() re-parses the whole MIME tree.
            message.addHeader("Received-SPF", v.receivedSpf(receiver));
        }
    }

    static String helo(Mail mail) {
        Optional<Attribute> h = mail.getAttribute(Mail.SMTP_HELO);
        if (h.isPresent() && h.get().getValue().value() instanceof String) {
            return (String) h.get().getValue().value();
        }
        return mail.getRemoteHost();
    }

    private void skip(Mail mail, String why) {
        set(mail, SpfAttributes.SKIPPED, why);
        LOG.debug("spf mail={} skipped={}", mail.getName(), why);
    }

    private static void set(Mail mail, String name, String value) {
        mail.setAttribute(new Attribute(AttributeName.of(name), AttributeValue.of(value)));
    }

    @Override
    public String getMailetInfo() {
        return "mailsec SPF check (RFC 7208)";
    }
}

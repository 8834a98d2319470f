package io.mailsec.tls.james;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailsec.core.config.DnsParameters;
import io.mailsec.core.config.Parameters;
import io.mailsec.core.runtime.MailsecRuntime;
import io.mailsec.tls.outbound.CertificateChecker;
import io.mailsec.tls.outbound.DsnBuilder;
import io.mailsec.tls.outbound.OutboundDelivery;
import io.mailsec.tls.outbound.RecipientOutcome;
import io.mailsec.tls.policy.PolicyMatch;
import io.mailsec.tls.policy.PolicyStore;
import io.mailsec.tls.tracking.TrackingEvent;
import io.mailsec.tls.tracking.TrackingLog;

/**
 * Remote delivery under the outbound TLS policy, replacing RemoteDelivery for remote recipients.
 * Recipients are grouped by domain and policy level (so each recipient gets its own policy) and
 * delivered over our own SMTP client ({@link OutboundDelivery}): {@code encrypt}/{@code verify} never
 * go out in plaintext, {@code may} falls back, {@code none} never starts TLS. Failures end in an
 * RFC 3464 DSN to the sender (5.7.10 "TLS unavailable" naming remote host and step for TLS);
 * temporary failures are retried with a delay ({@code retryDelay}, {@code maxRetries}) by
 * re-sending the mail to this processor, keeping the first failure's reason for the final DSN.
 * With {@code onTlsFailure=bounce} (default, as Gmail does) a TLS failure bounces at once.
 * Delivery runs on the mailet thread; the mail ends as GHOST (a DSN or a delayed copy carries on).
 */
public class TlsPolicyDelivery extends GenericMailet {
    private static final Logger LOG = LoggerFactory.getLogger(TlsPolicyDelivery.class);
    /** Every init parameter this mailet reads. */
    public static final Set<String> PARAMS = Parameters.union(Parameters.union(PolicyStores.NAMES, DnsParameters.NAMES),
            Set.of("heloName", "port", "connectTimeout", "readTimeout", "trustStore", "onTlsFailure", "maxRetries", "retryDelay",
                    "retryProcessor", "bounceProcessor", "postmaster"));

    private PolicyStore store;
    private OutboundDelivery delivery;
    private String heloName;
    private boolean bounceTlsAtOnce;
    private int maxRetries;
    private Duration retryDelay;
    private String retryProcessor;
    private String bounceProcessor;
    private String postmaster;

    private final MailsecRuntime runtime;
    private final TrackingLog tracking;

    /** Outside James (the CLI, tests): the standalone runtime. */
    public TlsPolicyDelivery() {
        this(MailsecRuntime.standalone());
    }

    /** Inside James: the server's one runtime ({@code MailsecModule}). */
    @Inject
    public TlsPolicyDelivery(MailsecRuntime runtime) {
        this.runtime = runtime;
        this.tracking = TrackingLog.of(runtime);
    }

    @Override
    public void init() throws MessagingException {
        Parameters<MessagingException> p = Parameters.of(getMailetConfig(), PARAMS);
        store = PolicyStores.open(p, runtime);
        // the shared resolver and cache of every stage (SPF, DKIM, DMARC look up through it too)
        io.mailsec.core.dns.DnsResolver dns = DnsParameters.resolver(p, runtime);
        List<String> dnsServers = runtime.dnsServers(p.string("dnsServers", ""));
        heloName = p.string("heloName", localHostName());
        int port = p.integer("port", 25, 1, 65535);
        int connectTimeout = (int) p.duration("connectTimeout", Duration.ofSeconds(30)).toMillis();
        int readTimeout = (int) p.duration("readTimeout", Duration.ofMinutes(5)).toMillis();
        CertificateChecker certificates;
        Path trustStore = p.file("trustStore");
        try {
            certificates = trustStore == null ? CertificateChecker.systemDefault() : CertificateChecker.fromFile(trustStore);
        } catch (Exception e) {
            throw p.bad("trustStore", p.raw("trustStore"), "a PEM file of CA certificates (" + trustStore + ": " + e.getMessage() + ")");
        }
        String onTls = p.oneOf("onTlsFailure", "bounce", List.of("bounce", "retry"));
        bounceTlsAtOnce = onTls.equals("bounce");
        maxRetries = p.integer("maxRetries", 5, 0, 1000);
        retryDelay = p.duration("retryDelay", Duration.ofMinutes(10));
        retryProcessor = p.string("retryProcessor", null);
        bounceProcessor = p.string("bounceProcessor", null);
        postmaster = p.string("postmaster", getMailetContext().getPostmaster() == null ? "postmaster@" + heloName
                : getMailetContext().getPostmaster().asString());
        delivery = new OutboundDelivery(dns, certificates, heloName, port, connectTimeout, readTimeout, tracking);
        LOG.info("event=tls-delivery-init policy={} onTlsFailure={} maxRetries={} retryDelay={} trustStore={} heloName={} dnsServers={}",
                store.file(), onTls, maxRetries, retryDelay, certificates.trustSource(), heloName,
                dnsServers.isEmpty() ? "system" : String.join(",", dnsServers));
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }

    @Override
    public String getMailetInfo() {
        return "mailsec TLS policy delivery";
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        if (mail.getRecipients().isEmpty()) {
            mail.setState(Mail.GHOST);
            return;
        }
        int attempt = mail.getAttribute(MailsecTlsAttributes.OUTBOUND_ATTEMPT)
                .map(a -> ((Number) a.getValue().value()).intValue()).orElse(0) + 1;
        Map<String, String> firstFailure = decode(mail.getAttribute(MailsecTlsAttributes.OUTBOUND_FIRST_FAILURE)
                .map(a -> String.valueOf(a.getValue().value())).orElse(""));
        MimeMessage message = mail.getMessage();
        String messageId = message.getMessageID();
        String sender = mail.getMaybeSender().isNullSender() ? null : mail.getMaybeSender().asString();

        // Split by domain and policy entry: each group gets its own level.
        Map<String, List<String>> groups = new LinkedHashMap<>();
        Map<String, PolicyMatch> groupPolicy = new HashMap<>();
        var outbound = store.current().outbound();
        for (MailAddress r : mail.getRecipients()) {
            PolicyMatch m = outbound.lookup(r.asString());
            String key = r.getDomain().asString().toLowerCase(Locale.ROOT) + "\u0000" + m.level() + "\u0000" + m.entry();
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r.asString());
            groupPolicy.put(key, m);
        }
        List<RecipientOutcome> failed = new ArrayList<>();
        List<RecipientOutcome> retry = new ArrayList<>();
        for (Map.Entry<String, List<String>> g : groups.entrySet()) {
            String domain = g.getKey().substring(0, g.getKey().indexOf('\u0000'));
            List<RecipientOutcome> outcomes = delivery.deliver(new OutboundDelivery.Job(sender, domain, g.getValue(),
                    groupPolicy.get(g.getKey()), out -> {
                        try {
                            message.writeTo(out);
                        } catch (MessagingException e) {
                            throw new java.io.IOException("cannot read message: " + e.getMessage(), e);
                        }
                    }, messageId, attempt));
            for (RecipientOutcome o : outcomes) {
                switch (o.kind()) {
                    case DELIVERED:
                        break;
                    case PERMANENT:
                        failed.add(o);
                        break;
                    default:
                        if ((o.tlsFailure() && bounceTlsAtOnce) || attempt > maxRetries) {
                            failed.add(o.asPermanent());
                        } else {
                            retry.add(o);
                        }
                }
            }
        }
        if (!retry.isEmpty()) {
            scheduleRetry(mail, retry, attempt, firstFailure);
        }
        if (!failed.isEmpty()) {
            bounce(mail, message, sender, messageId, withOriginalReason(failed, firstFailure));
        }
        mail.setState(Mail.GHOST);
    }

    private void scheduleRetry(Mail mail, List<RecipientOutcome> retry, int attempt, Map<String, String> firstFailure)
            throws MessagingException {
        Mail copy = mail.duplicate();
        List<MailAddress> rcpts = new ArrayList<>();
        Map<String, String> reasons = new LinkedHashMap<>();
        for (RecipientOutcome o : retry) {
            rcpts.add(new MailAddress(o.recipient()));
            reasons.put(o.recipient(), firstFailure.getOrDefault(o.recipient(), encodeOne(o)));
        }
        copy.setRecipients(rcpts);
        copy.setAttribute(new Attribute(MailsecTlsAttributes.OUTBOUND_ATTEMPT, AttributeValue.of(attempt)));
        copy.setAttribute(new Attribute(MailsecTlsAttributes.OUTBOUND_FIRST_FAILURE, AttributeValue.of(encode(reasons))));
        String processor = retryProcessor != null ? retryProcessor : mail.getState();
        getMailetContext().sendMail(copy, processor, retryDelay.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("event=tls-delivery-retry mail={} attempt={} recipients={} delayMs={} processor={}", mail.getName(), attempt,
                rcpts.size(), retryDelay.toMillis(), processor);
    }

    /** When retries end on a different error, the DSN still leads with the first (e.g. TLS) reason. */
    private static List<RecipientOutcome> withOriginalReason(List<RecipientOutcome> failed, Map<String, String> firstFailure) {
        List<RecipientOutcome> out = new ArrayList<>();
        for (RecipientOutcome o : failed) {
            String first = firstFailure.get(o.recipient());
            out.add(first == null ? o : RecipientOutcomes.merge(o, first));
        }
        return out;
    }

    private void bounce(Mail mail, MimeMessage message, String sender, String messageId, List<RecipientOutcome> failed)
            throws MessagingException {
        List<String> rcpts = new ArrayList<>();
        for (RecipientOutcome o : failed) {
            rcpts.add(o.recipient());
        }
        tracking.record(TrackingEvent.outbound().messageId(messageId).sender(sender == null ? "" : sender)
                .recipients(rcpts).outcome(TrackingEvent.BOUNCED)
                .reason(failed.get(0).status() + " " + failed.get(0).diagnostic())
                .tls(false).put("tlsFailure", failed.stream().anyMatch(RecipientOutcome::tlsFailure)));
        // A bounce that bounces goes to the postmaster (a "double bounce", as Postfix does): nothing is
        // returned to the null sender, and nothing is silently dropped either.
        String reportTo = sender == null ? postmaster : sender;
        if (sender == null && rcpts.stream().allMatch(r -> r.equalsIgnoreCase(postmaster))) {
            // The failed mail was itself a report to the postmaster: reporting it again would loop.
            LOG.error("event=tls-delivery-postmaster-unreachable mail={} recipients={}", mail.getName(), rcpts);
            return;
        }
        if (sender == null) {
            LOG.warn("event=tls-delivery-double-bounce mail={} reason=\"null sender\" recipients={} reportTo={}",
                    mail.getName(), rcpts, postmaster);
        }
        StringBuilder headers = new StringBuilder();
        Enumeration<String> lines = message.getAllHeaderLines();
        while (lines.hasMoreElements()) {
            headers.append(lines.nextElement()).append("\r\n");
        }
        MimeMessage dsn = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(
                DsnBuilder.build(heloName, postmaster, reportTo, messageId, message.getSubject(),
                        mail.getLastUpdated() == null ? new Date() : mail.getLastUpdated(), headers.toString(), failed)));
        Collection<MailAddress> to = List.of(new MailAddress(reportTo));
        if (bounceProcessor != null) {
            getMailetContext().sendMail(MailAddress.nullSender(), to, dsn, bounceProcessor);
        } else {
            getMailetContext().sendMail(MailAddress.nullSender(), to, dsn);
        }
        LOG.info("event=tls-delivery-bounced mail={} recipients={} status={} tlsFailure={}", mail.getName(), rcpts,
                failed.get(0).status(), failed.get(0).tlsFailure());
    }

    static String encodeOne(RecipientOutcome o) {
        return String.join("\t", o.status(), String.valueOf(o.tlsFailure()), o.step() == null ? "" : o.step(),
                o.remote() == null ? "" : o.remote(), o.diagnostic() == null ? "" : o.diagnostic().replace('\t', ' ').replace('\n', ' '));
    }

    static String encode(Map<String, String> reasons) {
        StringBuilder sb = new StringBuilder();
        reasons.forEach((k, v) -> sb.append(k).append('\t').append(v).append('\n'));
        return sb.toString();
    }

    static Map<String, String> decode(String s) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : s.split("\n")) {
            int tab = line.indexOf('\t');
            if (tab > 0) {
                m.put(line.substring(0, tab), line.substring(tab + 1));
            }
        }
        return m;
    }
}

package io.mailsec.tls.james;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailsec.core.config.DnsParameters;
import io.mailsec.core.config.DnssecParameters;
import io.mailsec.core.config.Parameters;
import io.mailsec.core.dns.dnssec.DnssecMode;
import io.mailsec.core.runtime.MailsecRuntime;
import io.mailsec.tls.dane.DaneLookup;
import io.mailsec.tls.outbound.CertificateChecker;
import io.mailsec.tls.outbound.DestinationPolicy;
import io.mailsec.tls.outbound.DsnBuilder;
import io.mailsec.tls.outbound.OutboundDelivery;
import io.mailsec.tls.outbound.RecipientOutcome;
import io.mailsec.tls.outbound.RetrySchedule;
import io.mailsec.tls.outbound.SmtpTimeouts;
import io.mailsec.tls.outbound.TlsRequirement;
import io.mailsec.tls.policy.PolicyMatch;
import io.mailsec.tls.policy.PolicyStore;
import io.mailsec.tls.tracking.TrackingEvent;
import io.mailsec.tls.tracking.TrackingLog;

/**
 * Remote delivery under the outbound TLS policy, replacing RemoteDelivery for remote recipients.
 * The mailet only queues: the mail is split by recipient domain into a James mail queue of its own
 * ({@code queue}, through James's {@code MailQueueFactory}) and the spooler thread returns at once.
 * Delivery workers ({@link DeliveryQueue}) take it from there, at most {@code maxConnectionsPerDestination}
 * per domain, so a slow or hostile MX holds a few workers and nothing else.
 * Each domain's recipients are grouped by policy entry (each recipient gets its own level) and
 * delivered over our own SMTP client ({@link OutboundDelivery}): {@code encrypt}/{@code verify} never
 * go out in plaintext, {@code may} falls back, {@code none} never starts TLS. Failures end in an
 * RFC 3464 DSN to the sender (5.7.10 "TLS unavailable" naming remote host and step for TLS);
 * temporary failures go back to the queue on the {@code retrySchedule}, keeping the first failure's
 * reason for the final DSN; a "delayed" DSN goes out once after {@code delayWarningAfter}.
 * With {@code onTlsFailure=bounce} (default, as Gmail does) a TLS failure bounces at once.
 */
public class TlsPolicyDelivery extends GenericMailet {
    private static final Logger LOG = LoggerFactory.getLogger(TlsPolicyDelivery.class);
    /** Every init parameter this mailet reads. */
    public static final Set<String> PARAMS = Parameters.union(Parameters.union(Parameters.union(Parameters.union(PolicyStores.NAMES,
            DnsParameters.NAMES), DnssecParameters.NAMES), MtaStsParameters.NAMES),
            Set.of("heloName", "port", "connectTimeout", "greetingTimeout", "commandTimeout", "dataTimeout", "sessionTimeout",
                    "trustStore", "onTlsFailure", "maxRetries", "retrySchedule", "maxQueueLifetime", "delayWarningAfter",
                    "queue", "deliveryThreads", "maxConnectionsPerDestination", "maxMessagesPerSession", "sessionIdle",
                    "bounceProcessor", "postmaster"));
    static final List<Duration> DEFAULT_SCHEDULE = List.of(Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofMinutes(30),
            Duration.ofHours(1), Duration.ofHours(2), Duration.ofHours(4));

    private PolicyStore store;
    private OutboundDelivery delivery;
    private DeliveryQueue queue;
    private String heloName;
    private boolean bounceTlsAtOnce;
    /** What destinations ask for beyond the list (MTA-STS); none until configured. */
    private DestinationPolicy destinations = DestinationPolicy.NONE;
    private RetrySchedule schedule;
    private Duration delayWarningAfter;
    private String bounceProcessor;
    private String postmaster;

    private final MailsecRuntime runtime;
    private final MailQueueFactory<?> queueFactory;
    private final TrackingLog tracking;
    private final Clock clock;

    /** Inside James: the server's one runtime ({@code MailsecModule}) and its mail queues. */
    @Inject
    public TlsPolicyDelivery(MailsecRuntime runtime, MailQueueFactory<?> queueFactory) {
        this(runtime, queueFactory, Clock.systemUTC());
    }

    TlsPolicyDelivery(MailsecRuntime runtime, MailQueueFactory<?> queueFactory, Clock clock) {
        this.runtime = runtime;
        this.queueFactory = queueFactory;
        this.tracking = TrackingLog.of(runtime);
        this.clock = clock;
    }

    @Override
    public void init() throws MessagingException {
        Parameters<MessagingException> p = Parameters.of(getMailetConfig(), PARAMS);
        store = PolicyStores.open(p, runtime);
        // the shared resolver and cache of every stage (SPF, DKIM, DMARC look up through it too)
        io.mailsec.core.dns.DnsResolver dns = DnsParameters.resolver(p, runtime);
        List<String> dnsServers = runtime.dnsServers(p.string("dnsServers", ""));
        EhloName ehlo = EhloName.choose(p, runtime, getMailetContext().getPostmaster(), dns);
        destinations = MtaStsParameters.open(p, dns);
        heloName = ehlo.name;
        int port = p.integer("port", 25, 1, 65535);
        SmtpTimeouts d = SmtpTimeouts.DEFAULTS;
        Duration min = Duration.ofMillis(100);
        SmtpTimeouts timeouts = new SmtpTimeouts(p.duration("connectTimeout", d.connect, min), p.duration("greetingTimeout", d.greeting, min),
                p.duration("commandTimeout", d.command, min), p.duration("dataTimeout", d.dataEnd, min),
                p.duration("sessionTimeout", d.session, min));
        CertificateChecker certificates;
        Path trustStore = p.file("trustStore");
        try {
            certificates = trustStore == null ? CertificateChecker.systemDefault() : CertificateChecker.fromFile(trustStore);
        } catch (Exception e) {
            throw p.bad("trustStore", p.raw("trustStore"), "a PEM file of CA certificates (" + trustStore + ": " + e.getMessage() + ")");
        }
        String onTls = p.oneOf("onTlsFailure", "bounce", List.of("bounce", "retry"));
        bounceTlsAtOnce = onTls.equals("bounce");
        schedule = new RetrySchedule(p.durations("retrySchedule", DEFAULT_SCHEDULE, Duration.ofSeconds(1)),
                p.integer("maxRetries", 50, 0, 10_000), p.duration("maxQueueLifetime", Duration.ofDays(5), Duration.ofMinutes(1)));
        delayWarningAfter = p.duration("delayWarningAfter", Duration.ofHours(4), Duration.ZERO);
        bounceProcessor = p.string("bounceProcessor", null);
        postmaster = p.string("postmaster", getMailetContext().getPostmaster() == null ? "postmaster@" + heloName
                : getMailetContext().getPostmaster().asString());
        int threads = p.integer("deliveryThreads", 16, 1, 1000);
        int perDestination = p.integer("maxConnectionsPerDestination", 5, 1, 1000);
        String queueName = p.string("queue", "mailsec-outgoing");
        int perSession = p.integer("maxMessagesPerSession", 100, 1, 100_000);
        Duration idle = p.duration("sessionIdle", Duration.ofSeconds(5), Duration.ZERO);
        delivery = new OutboundDelivery(dns, certificates, heloName, port, timeouts, tracking, perSession, idle);
        DnssecMode dnssec = DnssecParameters.mode(p);
        if (dnssec != DnssecMode.OFF) {
            delivery.dane(new DaneLookup(DnssecParameters.resolver(p, runtime), port));
            warnIfAdCanBeForged(dnssec, dnsServers);
        }
        queue = new DeliveryQueue(queueFactory.createQueue(MailQueueName.of(queueName)), threads, perDestination, new DeliveryQueue.Handler() {
            @Override
            public void deliver(Mail mail) throws Exception {
                TlsPolicyDelivery.this.deliver(mail);
            }

            @Override
            public void crashed(Mail mail, Exception e) throws Exception {
                mail.setErrorMessage("mailsec delivery failed: " + e);
                getMailetContext().sendMail(mail, Mail.ERROR);
            }
        }, TlsPolicyDelivery::destination, clock);
        queue.start();
        DeliveryQueues.of(runtime).register(queue);
        LOG.info("event=tls-delivery-init policy={} dane={} mtaSts={} onTlsFailure={} retry=\"{}\" delayWarningAfter={} trustStore={} heloName={} heloNameSource=\"{}\" "
                        + "dnsServers={} queue={} threads={} perDestination={} maxMessagesPerSession={} sessionIdle={} timeouts=\"{}\"",
                store.file(), dnssec == DnssecMode.OFF ? "off" : "on (dnssec=" + dnssec + ")", destinations != DestinationPolicy.NONE, onTls, schedule, delayWarningAfter, certificates.trustSource(), heloName, ehlo.source,
                dnsServers.isEmpty() ? "system" : String.join(",", dnsServers), queueName, threads, perDestination, perSession, idle, timeouts);
    }

    /**
     * RFC 6698 §4.1: the AD bit is only as trustworthy as the path to the resolver that set it; off
     * loopback anyone on the way can set it, and DANE would rest on nothing.
     */
    private static void warnIfAdCanBeForged(DnssecMode mode, List<String> servers) {
        if (mode != DnssecMode.TRUST_AD) {
            return;
        }
        for (String s : servers) {
            String host = s.replaceFirst("^\\[?([^\\]]*)\\]?(:\\d+)?$", "$1");
            if (!(host.startsWith("127.") || host.equals("::1") || host.equalsIgnoreCase("localhost"))) {
                LOG.warn("event=tls-delivery-dnssec-warning dnssec=trust-ad dnsServer={} detail=\"the AD bit is trusted from a resolver "
                        + "off loopback: anyone on the path can forge it; run a validating resolver on this host or use dnssec=validate\"", s);
            }
        }
        if (servers.isEmpty()) {
            LOG.warn("event=tls-delivery-dnssec-warning dnssec=trust-ad dnsServer=system detail=\"the AD bit is trusted from the system's "
                    + "resolvers (/etc/resolv.conf): make sure they validate and are on loopback, or name them in dnsServers\"");
        }
    }

    /** Tests: what destinations ask for beyond the list. */
    void destinations(DestinationPolicy policy) {
        this.destinations = policy;
    }

    /** The EHLO name in use (chosen at init). */
    String heloName() {
        return heloName;
    }

    @Override
    public void destroy() {
        if (queue != null) {
            DeliveryQueues.of(runtime).unregister(queue);
            queue.close();
        }
    }

    /** The destination a queued mail is limited under: its recipients' domain (one per queued mail). */
    static String destination(Mail mail) {
        return mail.getRecipients().stream().findFirst().map(r -> r.getDomain().asString().toLowerCase(Locale.ROOT)).orElse("");
    }

    @Override
    public String getMailetInfo() {
        return "mailsec TLS policy delivery";
    }

    /** Queues one copy per recipient domain and returns: delivery happens on the queue's workers. */
    @Override
    public void service(Mail mail) throws MessagingException {
        Map<String, List<MailAddress>> byDomain = new LinkedHashMap<>();
        for (MailAddress r : mail.getRecipients()) {
            byDomain.computeIfAbsent(r.getDomain().asString().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(r);
        }
        String name = mail.getName();
        Instant now = clock.instant();
        String messageId = mail.getMessage().getMessageID();
        for (Map.Entry<String, List<MailAddress>> e : byDomain.entrySet()) {
            // The queue stores a copy at enqueue time (as RemoteDelivery relies on), so one Mail serves every domain.
            mail.setRecipients(e.getValue());
            mail.setName(byDomain.size() == 1 ? name : name + "-to-" + e.getKey());
            DeliveryState.queued(mail, now);
            queue.enqueue(mail, Duration.ZERO);
            tracking.record(TrackingEvent.outbound().messageId(messageId).sender(sender(mail) == null ? "" : sender(mail))
                    .recipients(e.getValue().stream().map(MailAddress::asString).collect(java.util.stream.Collectors.toList()))
                    .outcome(TrackingEvent.QUEUED).put("queue", queue.name()));
        }
        mail.setName(name);
        mail.setState(Mail.GHOST);
    }

    private static String sender(Mail mail) {
        return mail.getMaybeSender().isNullSender() ? null : mail.getMaybeSender().asString();
    }

    /** One attempt for one queued mail (one domain), on a delivery worker. */
    void deliver(Mail mail) throws MessagingException {
        if (mail.getRecipients().isEmpty()) {
            return;
        }
        int attempt = DeliveryState.attempts(mail) + 1;
        Instant now = clock.instant();
        Instant queuedAt = DeliveryState.queuedAt(mail, now);
        Map<String, RecipientOutcome> firstFailures = DeliveryState.firstFailures(mail);
        MimeMessage message = mail.getMessage();
        String messageId = message.getMessageID();
        String sender = sender(mail);

        // Each policy entry of this domain is its own group: each recipient gets its own level.
        Map<String, List<String>> groups = new LinkedHashMap<>();
        Map<String, PolicyMatch> groupPolicy = new HashMap<>();
        var outbound = store.current().outbound();
        for (MailAddress r : mail.getRecipients()) {
            PolicyMatch m = outbound.lookup(r.asString());
            String key = r.getDomain().asString().toLowerCase(Locale.ROOT) + "\u0000" + m.level() + "\u0000" + m.entry();
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r.asString());
            groupPolicy.put(key, m);
        }
        boolean needsSmtpUtf8 = needsSmtpUtf8(mail, message);
        boolean requireTls = mail.getAttribute(MailsecTlsAttributes.REQUIRE_TLS).map(a -> Boolean.TRUE.equals(a.getValue().value()))
                .orElse(false);
        String[] tlsRequired = message.getHeader("TLS-Required");
        boolean tlsNotRequired = tlsRequired != null && tlsRequired.length > 0 && tlsRequired[0].trim().equalsIgnoreCase("No");
        List<RecipientOutcome> failed = new ArrayList<>();
        List<RecipientOutcome> retry = new ArrayList<>();
        Optional<Duration> next = schedule.next(attempt, queuedAt, now);
        for (Map.Entry<String, List<String>> g : groups.entrySet()) {
            String domain = g.getKey().substring(0, g.getKey().indexOf('\u0000'));
            PolicyMatch listed = groupPolicy.get(g.getKey());
            // RFC 8689 §5: "TLS-Required: No" lets the sender waive what the destination asks for (MTA-STS, DANE),
            // never the administrator's list entries, and never for a REQUIRETLS message.
            boolean askDestination = listed.isDefault() && (requireTls || !tlsNotRequired);
            TlsRequirement requirement = askDestination
                    ? destinations.requirement(domain).orElse(TlsRequirement.of(listed)) : TlsRequirement.of(listed);
            OutboundDelivery.Job job = new OutboundDelivery.Job(sender, domain, g.getValue(),
                    requirement, out -> {
                        try {
                            message.writeTo(out);
                        } catch (MessagingException e) {
                            throw new java.io.IOException("cannot read message: " + e.getMessage(), e);
                        }
                    }, messageId, attempt, mail.getMessageSize(), needsSmtpUtf8);
            if (!askDestination) {
                job.waivingDane();
            }
            List<RecipientOutcome> outcomes = delivery.deliver(requireTls ? job.requiringTls() : job);
            for (RecipientOutcome o : outcomes) {
                switch (o.kind()) {
                    case DELIVERED:
                        break;
                    case PERMANENT:
                        failed.add(o);
                        break;
                    default:
                        if ((o.tlsFailure() && bounceTlsAtOnce && requirement.mayBounceAtOnce() && o.mayBounceAtOnce()) || next.isEmpty()) {
                            failed.add(o.asPermanent());
                        } else {
                            retry.add(o);
                        }
                }
            }
        }
        if (!retry.isEmpty()) {
            scheduleRetry(mail, message, retry, attempt, queuedAt, now, next.orElseThrow(), firstFailures);
        }
        if (!failed.isEmpty()) {
            bounce(mail, message, sender, messageId, withOriginalReason(failed, firstFailures));
        }
    }

    /** RFC 6531: a non-ASCII envelope address or header needs a peer that offers SMTPUTF8. */
    static boolean needsSmtpUtf8(Mail mail, MimeMessage message) throws MessagingException {
        if (!ascii(mail.getMaybeSender().asString(""))) {
            return true;
        }
        for (MailAddress r : mail.getRecipients()) {
            if (!ascii(r.asString())) {
                return true;
            }
        }
        Enumeration<String> lines = message.getAllHeaderLines();
        while (lines.hasMoreElements()) {
            if (!ascii(lines.nextElement())) {
                return true;
            }
        }
        return false;
    }

    private static boolean ascii(String s) {
        return s.chars().allMatch(c -> c < 0x80);
    }

    private void scheduleRetry(Mail mail, MimeMessage message, List<RecipientOutcome> retry, int attempt, Instant queuedAt, Instant now,
                               Duration delay, Map<String, RecipientOutcome> firstFailures) throws MessagingException {
        Mail copy = mail.duplicate();
        List<MailAddress> rcpts = new ArrayList<>();
        Map<String, RecipientOutcome> reasons = new LinkedHashMap<>();
        for (RecipientOutcome o : retry) {
            rcpts.add(new MailAddress(o.recipient()));
            reasons.put(o.recipient(), firstFailures.getOrDefault(o.recipient(), o));
        }
        boolean notified = DeliveryState.delayNotified(mail);
        if (!notified && !delayWarningAfter.isZero() && !now.isBefore(queuedAt.plus(delayWarningAfter))) {
            notified = delayed(mail, message, retry, queuedAt);
        }
        try {
            copy.setRecipients(rcpts);
            DeliveryState.retry(copy, attempt, now.plus(delay), reasons, notified);
            queue.enqueue(copy, delay);
        } finally {
            // The queue keeps a copy of its own.
            LifecycleUtil.dispose(copy);
        }
        LOG.info("event=tls-delivery-retry mail={} attempt={} recipients={} delayMs={} queue={}", mail.getName(), attempt,
                rcpts.size(), delay.toMillis(), queue.name());
    }

    /** The one "delayed" DSN (RFC 3464 Action: delayed) for a mail still being retried; true when it went out. */
    private boolean delayed(Mail mail, MimeMessage message, List<RecipientOutcome> pending, Instant queuedAt) throws MessagingException {
        String sender = sender(mail);
        if (sender == null) {
            return true; // nobody to tell; a report about a report is never sent
        }
        MimeMessage dsn = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(
                DsnBuilder.delayed(heloName, postmaster, sender, message.getMessageID(), message.getSubject(), Date.from(queuedAt),
                        headers(message), pending, Date.from(queuedAt.plus(schedule.lifetime())))));
        send(List.of(new MailAddress(sender)), dsn);
        LOG.info("event=tls-delivery-delayed mail={} recipients={} queuedAt={}", mail.getName(), pending.size(), queuedAt);
        return true;
    }

    private void send(Collection<MailAddress> to, MimeMessage dsn) throws MessagingException {
        if (bounceProcessor != null) {
            getMailetContext().sendMail(MailAddress.nullSender(), to, dsn, bounceProcessor);
        } else {
            getMailetContext().sendMail(MailAddress.nullSender(), to, dsn);
        }
    }

    private static String headers(MimeMessage message) throws MessagingException {
        StringBuilder headers = new StringBuilder();
        Enumeration<String> lines = message.getAllHeaderLines();
        while (lines.hasMoreElements()) {
            headers.append(lines.nextElement()).append("\r\n");
        }
        return headers.toString();
    }

    /** When retries end on a different error, the DSN still leads with the first (e.g. TLS) reason. */
    private static List<RecipientOutcome> withOriginalReason(List<RecipientOutcome> failed, Map<String, RecipientOutcome> firstFailures) {
        List<RecipientOutcome> out = new ArrayList<>();
        for (RecipientOutcome o : failed) {
            RecipientOutcome first = firstFailures.get(o.recipient());
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
                .tls(failed.get(0).tls()).protocol(failed.get(0).protocol())
                .put("tlsFailure", failed.stream().anyMatch(RecipientOutcome::tlsFailure)));
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
        MimeMessage dsn = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(
                DsnBuilder.build(heloName, postmaster, reportTo, messageId, message.getSubject(),
                        mail.getLastUpdated() == null ? new Date() : mail.getLastUpdated(), headers(message), failed)));
        send(List.of(new MailAddress(reportTo)), dsn);
        LOG.info("event=tls-delivery-bounced mail={} recipients={} status={} tlsFailure={}", mail.getName(), rcpts,
                failed.get(0).status(), failed.get(0).tlsFailure());
    }

}

package io.mailsec.tls.outbound;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import com.google.common.net.InetAddresses;

import io.mailsec.core.dns.DnsResolver;
import io.mailsec.core.dns.DnsResult;
import io.mailsec.core.dns.DnsStatus;
import io.mailsec.core.dns.MxRecord;
import io.mailsec.core.dns.dnssec.DnssecResult;
import io.mailsec.core.dns.dnssec.DnssecStatus;
import io.mailsec.tls.dane.DaneHost;
import io.mailsec.tls.dane.DaneLookup;
import io.mailsec.tls.dane.DaneMatcher;
import io.mailsec.tls.dane.DaneVerdict;
import io.mailsec.tls.dane.RecordResult;
import io.mailsec.tls.outbound.AttemptResult.Step;
import io.mailsec.tls.policy.PolicyMatch;
import io.mailsec.tls.policy.TlsLevel;
import io.mailsec.tls.tracking.TrackingEvent;
import io.mailsec.tls.tlsrpt.ResultType;
import io.mailsec.tls.tracking.TrackingLog;

/**
 * Delivers one message to the recipients of one domain under one TLS level, trying the domain's MX
 * hosts in preference order (RFC 5321 §5.1). Guarantees, checked right before MAIL FROM:
 * <ul>
 *   <li>{@code encrypt}/{@code verify}: no MAIL FROM (hence no envelope, no data) unless TLS is up; a
 *       missing or stripped STARTTLS, a refused STARTTLS or a failed handshake is a TLS failure;</li>
 *   <li>{@code verify}: additionally the certificate must chain to a trusted CA, be within its
 *       validity and name the MX host (or the recipient domain);</li>
 *   <li>{@code may}: TLS when offered, plaintext after a refused STARTTLS or on a new connection
 *       after a failed handshake;</li>
 *   <li>{@code none}: STARTTLS is never sent.</li>
 * </ul>
 * Every connection attempt is written to the tracking log. Free of James types.
 */
public final class OutboundDelivery {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OutboundDelivery.class);
    private final DnsResolver dns;
    private final CertificateChecker certificates;
    private final String heloName;
    private final int port;
    private final SmtpTimeouts timeouts;
    private final TrackingLog tracking;
    private final SessionPool pool;
    private volatile TlsSessionListener sessions = TlsSessionListener.NONE;
    private volatile DaneLookup dane;
    private final DaneMatcher daneMatcher = new DaneMatcher();
    /** Closes the socket of a session past its deadline: per-read timeouts alone let a slow drip go on for ever. */
    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mailsec-smtp-deadline");
        t.setDaemon(true);
        return t;
    });

    public OutboundDelivery(DnsResolver dns, CertificateChecker certificates, String heloName, int port,
                            SmtpTimeouts timeouts, TrackingLog tracking) {
        this(dns, certificates, heloName, port, timeouts, tracking, 1, Duration.ZERO);
    }

    /**
     * @param maxMessagesPerSession transactions one SMTP session may carry (1: a new connection per message)
     * @param sessionIdle how long a session is kept open for the next message to the same MX and level
     */
    public OutboundDelivery(DnsResolver dns, CertificateChecker certificates, String heloName, int port,
                            SmtpTimeouts timeouts, TrackingLog tracking, int maxMessagesPerSession, Duration sessionIdle) {
        this.pool = new SessionPool(maxMessagesPerSession, sessionIdle, DEADLINES);
        this.dns = Objects.requireNonNull(dns);
        this.certificates = Objects.requireNonNull(certificates);
        this.heloName = Objects.requireNonNull(heloName);
        this.port = port;
        this.timeouts = Objects.requireNonNull(timeouts);
        this.tracking = tracking;
    }

    /** Who hears of each new session's TLS outcome (TLS-RPT); none by default. */
    public OutboundDelivery sessionListener(TlsSessionListener listener) {
        this.sessions = Objects.requireNonNull(listener);
        return this;
    }

    /**
     * DANE for SMTP (RFC 7672) through these DNSSEC lookups, for every domain without an explicit list
     * entry; null (the default) turns it off.
     */
    public OutboundDelivery dane(DaneLookup lookup) {
        this.dane = lookup;
        return this;
    }

    /** What to deliver: envelope of one domain's recipients, the message, and ids for the log. */
    public static final class Job {
        final String sender;
        final String domain;
        final List<String> recipients;
        final TlsRequirement policy;
        final SmtpClient.MessageWriter message;
        final String messageId;
        final int attempt;
        final long size;
        final boolean smtputf8;
        private Boolean eightBit;
        private boolean requireTls;
        private boolean daneWaived;

        public Job(String sender, String domain, List<String> recipients, PolicyMatch policy,
                   SmtpClient.MessageWriter message, String messageId, int attempt) {
            this(sender, domain, recipients, policy, message, messageId, attempt, -1, false);
        }

        /**
         * The message carries REQUIRETLS (RFC 8689): it goes only to an MX authenticated under {@code verify}
         * (a list entry or MTA-STS) that offers REQUIRETLS, with the parameter; otherwise it fails with 5.7.30.
         */
        public Job requiringTls() {
            this.requireTls = true;
            return this;
        }

        /** The sender waived what the destination publishes ({@code TLS-Required: No}, RFC 8689 §5): no DANE for this job. */
        public Job waivingDane() {
            this.daneWaived = true;
            return this;
        }

        /**
         * Whether the message has octets above 127 or NUL (RFC 6152: then it needs BODY=8BITMIME), found by
         * reading it once, and only when a peer without 8BITMIME makes the answer matter.
         */
        boolean eightBit() throws IOException {
            if (eightBit == null) {
                EightBitDetector detector = new EightBitDetector();
                message.writeTo(detector);
                eightBit = detector.found();
            }
            return eightBit;
        }

        /**
         * @param size the message's size in bytes (-1: unknown), checked against the peer's SIZE and announced (RFC 1870)
         * @param smtputf8 the envelope or the headers are not ASCII: the peer must offer SMTPUTF8 (RFC 6531)
         */
        public Job(String sender, String domain, List<String> recipients, PolicyMatch policy,
                   SmtpClient.MessageWriter message, String messageId, int attempt, long size, boolean smtputf8) {
            this(sender, domain, recipients, TlsRequirement.of(policy), message, messageId, attempt, size, smtputf8);
        }

        /** As above, with a requirement decided beyond the list (e.g. by the domain's MTA-STS policy). */
        public Job(String sender, String domain, List<String> recipients, TlsRequirement policy,
                   SmtpClient.MessageWriter message, String messageId, int attempt, long size, boolean smtputf8) {
            this.size = size;
            this.smtputf8 = smtputf8;
            this.sender = sender;
            this.domain = domain.toLowerCase(Locale.ROOT);
            this.recipients = List.copyOf(recipients);
            this.policy = policy;
            this.message = message;
            this.messageId = messageId;
            this.attempt = attempt;
        }
    }

    public List<RecipientOutcome> deliver(Job job) {
        // The list's explicit entries win over DANE (an administrator's deliberate choice); an address literal has no DNS to sign.
        boolean useDane = dane != null && !job.daneWaived && job.policy.source() != TlsRequirement.Source.LIST
                && !job.domain.startsWith("[");
        if (job.requireTls && job.policy.level() != TlsLevel.VERIFY && !useDane) {
            // RFC 8689 §4.2.1: only an authenticated MX may take it; nothing here would authenticate one.
            return requireTlsRefused(job, "REQUIRETLS: the destination's TLS requirement is " + job.policy.level().word() + " ("
                    + job.policy.source().word() + "), not an authenticated one (verify entry, DANE or MTA-STS)", null);
        }
        List<String> hosts = new ArrayList<>();
        boolean[] mxSecure = new boolean[1];
        RecipientOutcome dnsFailure = resolveMx(job, hosts, useDane, mxSecure);
        if (dnsFailure != null) {
            List<RecipientOutcome> out = new ArrayList<>();
            for (String r : job.recipients) {
                out.add(new RecipientOutcome(r, dnsFailure.kind(), dnsFailure.status(), null, dnsFailure.diagnostic(), false, "dns"));
            }
            AttemptResult a = new AttemptResult().fail(Step.DNS, dnsFailure.diagnostic(), false);
            a.host = job.domain;
            record(job, a, dnsFailure.kind() == RecipientOutcome.Kind.PERMANENT ? TrackingEvent.BOUNCED : TrackingEvent.DEFERRED);
            return out;
        }
        List<AttemptResult> failures = new ArrayList<>();
        for (String host : hosts) {
            TlsRequirement requirement = job.policy;
            List<InetAddress> addresses = new ArrayList<>();
            DnsResult<InetAddress> answer = null;
            if (InetAddresses.isInetAddress(host)) {
                addresses.add(InetAddresses.forString(host));
            } else if (useDane && mxSecure[0]) {
                // RFC 7672 §2.2.1: only the hosts of a secure MX RRset (or of a secure denial of one) are DANE candidates.
                DaneHost d = dane.host(host);
                requirement = TlsRequirement.forMxHost(job.policy, d);
                if (d.kind() == DaneHost.Kind.UNUSABLE) {
                    AttemptResult f = new AttemptResult().fail(Step.DNS, "DANE: " + d.detail() + "; " + host + " is not used now (RFC 7672 §2.2)", true);
                    f.host = host;
                    f.requirement = requirement;
                    f.tlsRptFailure = ResultType.DNSSEC_INVALID;
                    failures.add(f);
                    record(job, f, TrackingEvent.BLOCKED);
                    tellSession(job, f);
                    continue;
                }
                answer = d.addresses();
            }
            if (!requirement.permits(host)) {
                // RFC 8461 §4.1: an MX the policy does not name is not a candidate under enforce.
                AttemptResult f = new AttemptResult().fail(Step.MX, "MX host " + host + " is not named by the MTA-STS policy ("
                        + requirement.mxRule() + ")", true);
                f.host = host;
                f.requirement = requirement;
                f.tlsRptFailure = ResultType.VALIDATION_FAILURE;
                failures.add(f);
                record(job, f, TrackingEvent.BLOCKED);
                tellSession(job, f);
                continue;
            }
            if (job.requireTls && requirement.level() != TlsLevel.VERIFY) {
                AttemptResult f = new AttemptResult().fail(Step.MAIL, "REQUIRETLS: the TLS requirement for " + host + " is "
                        + requirement.level().word() + " (" + requirement.source().word() + "), not an authenticated one", false);
                f.host = host;
                f.requirement = requirement;
                f.status = REQUIRETLS_STATUS;
                failures.add(f);
                record(job, f, TrackingEvent.BOUNCED);
                continue;
            }
            if (addresses.isEmpty()) {
                DnsResult<InetAddress> a = answer != null ? answer : dns.addresses(host);
                if (!a.isOk()) {
                    AttemptResult f = new AttemptResult().fail(Step.DNS, "no address for MX host " + host + ": " + a.detail(), false);
                    f.host = host;
                    f.requirement = requirement;
                    failures.add(f);
                    record(job, f, TrackingEvent.DEFERRED);
                    continue;
                }
                addresses.addAll(a.records());
            }
            for (InetAddress ip : addresses) {
                AttemptResult r = attempt(job, requirement, host, ip, true);
                if (!r.failed || r.permanent) {
                    return outcomes(job, r);
                }
                failures.add(r);
            }
        }
        if (job.requireTls && !failures.isEmpty() && failures.stream().allMatch(f -> REQUIRETLS_STATUS.equals(f.status))) {
            AttemptResult last = failures.get(failures.size() - 1);
            return requireTlsRefused(job, last.reason, last.ip == null ? null : last.remote());
        }
        return allHostsFailed(job, failures);
    }

    static final String REQUIRETLS_STATUS = "5.7.30";

    private List<RecipientOutcome> requireTlsRefused(Job job, String why, String remote) {
        if (remote == null) {
            AttemptResult a = new AttemptResult().fail(Step.MAIL, why, false);
            a.host = job.domain;
            record(job, a, TrackingEvent.BOUNCED);
        }
        List<RecipientOutcome> out = new ArrayList<>();
        for (String rcpt : job.recipients) {
            out.add(RecipientOutcome.permanent(rcpt, REQUIRETLS_STATUS, remote, why, false, Step.MAIL.word()));
        }
        return out;
    }

    /**
     * The MX hosts in preference order into {@code hosts}; null, or the failure for every recipient.
     * With DANE the MX RRset comes with its DNSSEC status ({@code secure[0]}); a bogus one is not used.
     */
    private RecipientOutcome resolveMx(Job job, List<String> hosts, boolean useDane, boolean[] secure) {
        String d = job.domain;
        if (d.startsWith("[") && d.endsWith("]")) {
            hosts.add(d.substring(1, d.length() - 1).replaceFirst("(?i)^ipv6:", ""));
            return null;
        }
        DnsResult<MxRecord> mx;
        if (useDane) {
            DnssecResult<MxRecord> checked = dane.mx(d);
            if (checked.dnssec() == DnssecStatus.BOGUS) {
                // RFC 7672 §2.2.1: a bogus MX RRset may be an attack on the very records DANE rests on: defer.
                return new RecipientOutcome(null, RecipientOutcome.Kind.TEMPORARY, "4.7.5", null,
                        "the MX records of " + d + " failed DNSSEC validation: " + checked.detail(), false, "dns");
            }
            secure[0] = checked.isSecure();
            mx = checked.dns();
        } else {
            mx = dns.mx(d);
        }
        if (mx.isOk()) {
            List<MxRecord> sorted = new ArrayList<>(mx.records());
            sorted.sort(Comparator.comparingInt(MxRecord::preference));
            if (sorted.size() == 1 && (sorted.get(0).exchange().isEmpty() || sorted.get(0).exchange().equals("."))) {
                return new RecipientOutcome(null, RecipientOutcome.Kind.PERMANENT, "5.1.10", null,
                        "domain " + d + " accepts no mail (null MX, RFC 7505)", false, "dns");
            }
            for (MxRecord r : sorted) {
                hosts.add(r.exchange());
            }
            return null;
        }
        if (mx.status() == DnsStatus.NODATA) {
            hosts.add(d); // RFC 5321 §5.1 implicit MX
            return null;
        }
        if (mx.status() == DnsStatus.NXDOMAIN) {
            return new RecipientOutcome(null, RecipientOutcome.Kind.PERMANENT, "5.1.2", null,
                    "domain " + d + " does not exist (NXDOMAIN)", false, "dns");
        }
        return new RecipientOutcome(null, RecipientOutcome.Kind.TEMPORARY, "4.4.3", null,
                "MX lookup for " + d + " failed: " + mx.detail(), false, "dns");
    }

    private AttemptResult attempt(Job job, TlsRequirement requirement, String host, InetAddress ip, boolean allowTls) {
        TlsLevel level = requirement.level();
        AttemptResult r = new AttemptResult();
        r.requirement = requirement;
        r.host = host;
        r.ip = ip.getHostAddress();
        r.port = port;
        // The recipient domain too: a verified certificate may have matched the domain rather than the MX name.
        String key = job.domain + "|" + host + "|" + r.ip + "|" + port + "|" + requirement.key() + "|" + allowTls;
        SessionPool.Idle kept = pool.take(key);
        SmtpClient c;
        if (kept != null) {
            c = kept.client;
            r.reused = true;
            r.tls = kept.tls;
            r.protocol = kept.protocol;
            r.cipher = kept.cipher;
            r.certificate = kept.certificate;
        } else {
            try {
                c = SmtpClient.connect(host, new InetSocketAddress(ip, port), timeouts);
            } catch (IOException e) {
                r.fail(Step.CONNECT, "connect failed: " + e.getMessage(), false);
                record(job, r, TrackingEvent.DEFERRED);
                return r;
            }
        }
        r.localIp = c.localAddress();
        AtomicBoolean expired = new AtomicBoolean();
        SmtpClient session = c;
        ScheduledFuture<?> deadline = DEADLINES.schedule(() -> {
            expired.set(true);
            session.close();
        }, timeouts.session.toMillis(), TimeUnit.MILLISECONDS);
        boolean retryPlain = false;
        try {
            if (kept == null) {
                r.step = Step.GREETING;
                SmtpReply g = c.greeting();
                if (g.code() != 220) {
                    return finish(job, c, r.fail(Step.GREETING, "greeting: " + g, false));
                }
                r.step = Step.EHLO;
                SmtpReply e = c.ehlo(heloName);
                if (e.code() != 250) {
                    return finish(job, c, r.fail(Step.EHLO, "EHLO: " + e, false));
                }
                if (level != TlsLevel.NONE && allowTls) {
                    r.tlsAttempted = true;
                }
                if (level != TlsLevel.NONE) {
                    r.step = Step.STARTTLS;
                    if (!c.supports("STARTTLS")) {
                        r.tlsRptFailure = ResultType.STARTTLS_NOT_SUPPORTED;
                        if (level.requiresTls()) {
                            return finish(job, c, r.fail(Step.STARTTLS, "STARTTLS not offered in the EHLO reply", true));
                        }
                    } else if (allowTls) {
                        SmtpReply s;
                        try {
                            s = c.startTls(certificates.socketFactory());
                        } catch (SSLException ex) {
                            r.tlsRptFailure = ResultType.VALIDATION_FAILURE;
                            r.fail(Step.HANDSHAKE, "TLS handshake failed: " + ex.getMessage(), level.requiresTls());
                            if (level.requiresTls()) {
                                return finish(job, c, r);
                            }
                            retryPlain = true;
                            return finish(job, c, r);
                        }
                        if (s.code() != 220) {
                            r.tlsRptFailure = ResultType.STARTTLS_NOT_SUPPORTED;
                            if (level.requiresTls()) {
                                return finish(job, c, r.fail(Step.STARTTLS, "STARTTLS refused: " + s, true));
                            }
                        } else {
                            r.step = Step.HANDSHAKE;
                            tlsFacts(r, c.sslSession(), host, job.domain, requirement.mxNameOnly());
                            if (requirement.dane() != null) {
                                // RFC 7672 §3: the TLSA records judge the server, not the CAs.
                                r.dane = daneMatcher.match(r.certificate.chain(), requirement.dane().tlsa(), requirement.dane().names());
                                if (r.dane.tlsRptResultType().isPresent()) {
                                    r.tlsRptFailure = ResultType.fromWord(r.dane.tlsRptResultType().get()).orElse(ResultType.VALIDATION_FAILURE);
                                }
                                if (r.dane.outcome() == DaneVerdict.Outcome.NOT_AUTHENTICATED) {
                                    return finish(job, c, r.fail(Step.CERTIFICATE, "DANE: the certificate matches no TLSA record at _25._tcp."
                                            + requirement.dane().tlsaBase() + " (" + daneProblem(r.dane) + ")", true));
                                }
                            } else if (level == TlsLevel.VERIFY && !r.certificate.verified()) {
                                r.tlsRptFailure = r.certificate.resultType();
                                return finish(job, c, r.fail(Step.CERTIFICATE, "certificate not verified: " + r.certificate.problem(), true));
                            }
                            r.step = Step.EHLO;
                            SmtpReply e2 = c.ehlo(heloName);
                            if (e2.code() != 250) {
                                return finish(job, c, r.fail(Step.EHLO, "EHLO after STARTTLS: " + e2, false));
                            }
                        }
                    }
                }
            }
            // The guarantee, independent of the branches above.
            if (level.requiresTls() && !c.isTls()) {
                return finish(job, c, r.fail(Step.STARTTLS, "TLS required but not established", true));
            }
            r.step = Step.MAIL;
            String limit = c.extensionParameter("SIZE");
            long max = limit == null || !limit.matches("\\d{1,18}") ? 0 : Long.parseLong(limit);
            if (job.size > 0 && max > 0 && job.size > max) {
                r.fail(Step.MAIL, "message of " + job.size + " bytes exceeds the " + max + " bytes " + host + " accepts (SIZE, RFC 1870)", false);
                r.permanent = true;
                r.status = "5.3.4";
                return finish(job, c, r);
            }
            if (job.smtputf8 && !c.supports("SMTPUTF8")) {
                r.fail(Step.MAIL, "the message needs SMTPUTF8 (non-ASCII addresses or headers) and " + host
                        + " does not offer it (RFC 6531 §3.5)", false);
                r.permanent = true;
                r.status = "5.6.7";
                return finish(job, c, r);
            }
            boolean eightBitMime = c.supports("8BITMIME");
            if (!eightBitMime && job.eightBit()) {
                // RFC 6152 §3 leaves two choices: convert to 7 bit or refuse. Converting would break the
                // DKIM signature the relay processor has just added, so refuse, clearly.
                r.fail(Step.MAIL, "the message has 8-bit content and " + host
                        + " does not offer 8BITMIME (RFC 6152); converting it to 7 bit would break its DKIM signature", false);
                r.permanent = true;
                r.status = "5.6.3";
                return finish(job, c, r);
            }
            if (job.requireTls && !(authenticated(c, r) && c.supports("REQUIRETLS"))) {
                // Another MX may offer it: not permanent here; deliver() turns "every MX refused" into 5.7.30.
                r.fail(Step.MAIL, "REQUIRETLS: " + host + (authenticated(c, r)
                        ? " does not offer REQUIRETLS after STARTTLS" : " is not authenticated") + " (RFC 8689)", false);
                r.status = REQUIRETLS_STATUS;
                return finish(job, c, r);
            }
            String parameters = (limit != null && job.size > 0 ? " SIZE=" + job.size : "")
                    + (eightBitMime ? " BODY=8BITMIME" : "") + (job.smtputf8 ? " SMTPUTF8" : "") + (job.requireTls ? " REQUIRETLS" : "");
            List<String> commands = new ArrayList<>();
            commands.add("MAIL FROM:<" + (job.sender == null ? "" : job.sender) + ">" + parameters);
            for (String rcpt : job.recipients) {
                commands.add("RCPT TO:<" + rcpt + ">");
            }
            commands.add("DATA");
            // RFC 2920: the envelope and DATA in one round trip when the server allows it, else one by one
            // (stopping after a refused MAIL FROM, and not sending DATA when no recipient was accepted).
            List<SmtpReply> replies = c.supports("PIPELINING") ? c.pipeline(commands) : sequentially(c, commands);
            r.pipelined = c.supports("PIPELINING");
            SmtpReply m = replies.get(0);
            SmtpReply dataReply = replies.size() == commands.size() ? replies.get(replies.size() - 1) : null;
            if (!m.isPositive()) {
                if (dataReply != null && dataReply.code() == 354) {
                    c.message(null);
                }
                r.fail(Step.MAIL, "MAIL FROM: " + m, false);
                r.permanent = m.isPermanent();
                for (String rcpt : job.recipients) {
                    r.reply(rcpt, m, Step.MAIL);
                }
                return finish(job, c, r);
            }
            r.step = Step.RCPT;
            List<String> accepted = new ArrayList<>();
            for (int i = 0; i < job.recipients.size(); i++) {
                SmtpReply rr = replies.get(1 + i);
                r.reply(job.recipients.get(i), rr, Step.RCPT);
                if (rr.isPositive()) {
                    accepted.add(job.recipients.get(i));
                }
            }
            if (accepted.isEmpty()) {
                if (dataReply != null && dataReply.code() == 354) {
                    c.message(null);
                }
                r.step = Step.DONE;
                return finish(job, c, r);
            }
            r.step = Step.DATA;
            SmtpReply d = dataReply.code() == 354 ? c.message(job.message) : dataReply;
            for (String rcpt : accepted) {
                r.reply(rcpt, d, Step.DATA);
            }
            r.step = Step.DONE;
            r.keepSession = pool.enabled() && !expired.get();
            return finish(job, c, r);
        } catch (IOException ex) {
            String why = expired.get() ? "session deadline of " + timeouts.session.toSeconds() + "s exceeded" : ex.getMessage();
            r.fail(r.step, r.step.word() + ": " + why, r.step == Step.STARTTLS && level.requiresTls());
            if (r.step == Step.STARTTLS || r.step == Step.HANDSHAKE) {
                r.tlsRptFailure = ResultType.VALIDATION_FAILURE;
            }
            return finish(job, c, r);
        } finally {
            deadline.cancel(false);
            if (r.keepSession && !r.failed) {
                pool.offer(key, new SessionPool.Idle(c, (kept == null ? 0 : kept.transactions) + 1, r.tls, r.protocol, r.cipher,
                        r.certificate));
            } else {
                c.close();
            }
            if (retryPlain) {
                // may: a failed handshake leaves the connection unusable; deliver in plaintext on a new one.
                AttemptResult plain = attempt(job, requirement, host, ip, false);
                copy(plain, r);
            }
        }
    }

    /** TLS is up and the server proved who it is: by its TLSA records under DANE, else by a CA and its name. */
    private static boolean authenticated(SmtpClient c, AttemptResult r) {
        if (!c.isTls()) {
            return false;
        }
        if (r.dane != null) {
            return r.dane.authenticated();
        }
        return r.certificate != null && r.certificate.verified();
    }

    private static String daneProblem(DaneVerdict v) {
        StringBuilder sb = new StringBuilder();
        for (RecordResult rr : v.results()) {
            sb.append(sb.length() > 0 ? "; " : "").append(rr);
        }
        return sb.toString();
    }

    private static TlsRequirement requirementOf(Job job, AttemptResult r) {
        return r.requirement != null ? r.requirement : job.policy;
    }

    /** Without PIPELINING: one command, one reply; stops where the next command would make no sense. */
    private static List<SmtpReply> sequentially(SmtpClient c, List<String> commands) throws IOException {
        List<SmtpReply> replies = new ArrayList<>();
        boolean anyRecipient = false;
        for (int i = 0; i < commands.size(); i++) {
            boolean data = i == commands.size() - 1;
            if (data && !anyRecipient) {
                break;
            }
            SmtpReply reply = c.command(commands.get(i));
            replies.add(reply);
            if (i == 0 && !reply.isPositive()) {
                break;
            }
            anyRecipient |= i > 0 && reply.isPositive();
        }
        return replies;
    }

    private static void copy(AttemptResult from, AttemptResult to) {
        to.step = from.step;
        to.failed = from.failed;
        to.tlsFailure = from.tlsFailure;
        to.permanent = from.permanent;
        to.reason = from.reason;
        to.status = from.status;
        to.tls = from.tls;
        to.protocol = from.protocol;
        to.cipher = from.cipher;
        to.certificate = from.certificate;
        to.replies.clear();
        to.replies.putAll(from.replies);
        to.replySteps.clear();
        to.replySteps.putAll(from.replySteps);
    }

    private void tlsFacts(AttemptResult r, SSLSession s, String host, String domain, boolean mxNameOnly) {
        r.tls = true;
        r.protocol = s.getProtocol();
        r.cipher = s.getCipherSuite();
        X509Certificate[] chain;
        try {
            Certificate[] peer = s.getPeerCertificates();
            chain = new X509Certificate[peer.length];
            for (int i = 0; i < peer.length; i++) {
                chain[i] = (X509Certificate) peer[i];
            }
        } catch (SSLPeerUnverifiedException e) {
            chain = new X509Certificate[0];
        }
        r.certificate = certificates.check(chain, authType(r.cipher), mxNameOnly ? List.of(host) : List.of(host, domain));
    }

    static String authType(String cipher) {
        if (cipher != null && cipher.startsWith("TLS_") && cipher.contains("_WITH_")) {
            return cipher.substring(4, cipher.indexOf("_WITH_"));
        }
        return "UNKNOWN";
    }

    private AttemptResult finish(Job job, SmtpClient c, AttemptResult r) {
        if (r.step != Step.CONNECT && !(r.keepSession && !r.failed)) {
            c.quit();
        }
        String outcome;
        if (r.failed) {
            outcome = r.tlsFailure ? TrackingEvent.BLOCKED : r.permanent ? TrackingEvent.BOUNCED : TrackingEvent.DEFERRED;
        } else {
            boolean allOk = r.replies.values().stream().allMatch(SmtpReply::isPositive);
            boolean anyTemp = r.replies.values().stream().anyMatch(SmtpReply::isTransient);
            outcome = allOk ? TrackingEvent.DELIVERED : anyTemp ? TrackingEvent.DEFERRED : TrackingEvent.BOUNCED;
            if (!allOk && r.reason == null) {
                StringBuilder sb = new StringBuilder();
                r.replies.forEach((k, v) -> {
                    if (!v.isPositive()) {
                        sb.append(sb.length() > 0 ? "; " : "").append(k).append(": ").append(v);
                    }
                });
                r.reason = sb.toString();
            }
        }
        record(job, r, outcome);
        if (r.tlsAttempted) {
            tellSession(job, r);
        }
        return r;
    }

    private void tellSession(Job job, AttemptResult r) {
        try {
            sessions.session(new TlsSessionOutcome(job.domain, requirementOf(job, r), r.host, r.ip, r.localIp, r.tlsRptFailure,
                    r.tlsRptFailure == null ? null : r.reason));
        } catch (RuntimeException e) {
            // reporting must never change a delivery's outcome
            LOG.warn("event=tls-session-listener-failed domain={} error=\"{}\"", job.domain, e.toString());
        }
    }

    private void record(Job job, AttemptResult r, String outcome) {
        if (tracking == null) {
            return;
        }
        TrackingEvent e = TrackingEvent.outbound()
                .messageId(job.messageId)
                .sender(job.sender == null ? "" : job.sender)
                .recipients(job.recipients)
                .peerHost(r.host)
                .peerIp(r.ip)
                .level(requirementOf(job, r).level().word())
                .entry(requirementOf(job, r).entry())
                .put("source", requirementOf(job, r).source().word())
                .tls(r.tls)
                .protocol(r.protocol)
                .cipher(r.cipher)
                .certificate(r.certificate == null ? (r.tls ? "not-checked" : "none") : r.certificate.word())
                .outcome(outcome)
                .reason(r.reason)
                .attempt(job.attempt);
        if (r.reused) {
            e.put("sessionReused", true);
        }
        if (r.pipelined) {
            e.put("pipelined", true);
        }
        if (r.dane != null) {
            e.put("dane", r.dane.outcome().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        Step refused = r.failed ? r.step : r.refusedAt();
        if (refused != null) {
            e.step(refused.word());
        }
        tracking.record(e);
    }

    private List<RecipientOutcome> outcomes(Job job, AttemptResult r) {
        List<RecipientOutcome> out = new ArrayList<>();
        for (String rcpt : job.recipients) {
            SmtpReply reply = r.replies.get(rcpt);
            if (reply == null) {
                out.add(new RecipientOutcome(rcpt, r.permanent ? RecipientOutcome.Kind.PERMANENT : RecipientOutcome.Kind.TEMPORARY,
                        r.status != null ? r.status : r.permanent ? "5.0.0" : "4.0.0", r.remote(), r.reason, r.tlsFailure, r.step.word()));
            } else if (reply.isPositive()) {
                out.add(new RecipientOutcome(rcpt, RecipientOutcome.Kind.DELIVERED, "2.0.0", r.remote(), reply.toString(), false, "done"));
            } else {
                out.add(new RecipientOutcome(rcpt, reply.isPermanent() ? RecipientOutcome.Kind.PERMANENT : RecipientOutcome.Kind.TEMPORARY,
                        reply.enhancedStatus(), r.remote(), reply.toString(), false,
                        r.failed ? r.step.word() : r.replySteps.getOrDefault(rcpt, Step.RCPT).word()));
            }
        }
        List<RecipientOutcome> withTls = new ArrayList<>();
        for (RecipientOutcome o : out) {
            withTls.add(o.withTls(r.tls, r.protocol));
        }
        return withTls;
    }

    private List<RecipientOutcome> allHostsFailed(Job job, List<AttemptResult> failures) {
        AttemptResult tls = failures.stream().filter(AttemptResult::tlsFailure).findFirst().orElse(null);
        StringBuilder why = new StringBuilder();
        for (AttemptResult f : failures) {
            why.append(why.length() > 0 ? "; " : "").append(f.ip == null ? f.host : f.remote())
                    .append(" step ").append(f.step.word()).append(": ").append(f.reason);
        }
        List<RecipientOutcome> out = new ArrayList<>();
        for (String rcpt : job.recipients) {
            if (tls != null) {
                TlsRequirement req = requirementOf(job, tls);
                RecipientOutcome o = new RecipientOutcome(rcpt, RecipientOutcome.Kind.TEMPORARY, "4.7.10",
                        tls.ip == null ? tls.host : tls.remote(),
                        "TLS unavailable (policy " + req.level().word() + ", source " + req.source().word() + ", entry "
                                + req.entry() + "): " + why,
                        true, tls.step.word()).withTls(tls.tls, tls.protocol);
                out.add(req.mayBounceAtOnce() ? o : o.retriedOnly());
            } else {
                AttemptResult last = failures.isEmpty() ? null : failures.get(failures.size() - 1);
                // RFC 3463: 4.4.1 no answer from the host; 4.4.2 a connection that went bad once it was up.
                boolean connected = last != null && last.step != Step.CONNECT;
                out.add(new RecipientOutcome(rcpt, RecipientOutcome.Kind.TEMPORARY, connected ? "4.4.2" : "4.4.1",
                        last == null || last.ip == null ? null : last.remote(),
                        failures.isEmpty() ? "no MX host for " + job.domain
                                : (connected ? "no MX host took the message: " : "no MX host accepted the connection: ") + why,
                        false, last == null ? "dns" : last.step.word()));
            }
        }
        return out;
    }
}

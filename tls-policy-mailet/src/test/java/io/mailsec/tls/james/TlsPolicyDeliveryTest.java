package io.mailsec.tls.james;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.james.queue.memory.MemoryMailQueueFactory;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.mailsec.tls.outbound.PeerEnvironment;
import io.mailsec.tls.tracking.TrackingLog;

/**
 * The delivery mailet against the real peers of {@link PeerEnvironment}: per-recipient split
 * (address entry beating its domain), bounce-at-once DSN (RFC 3464, 5.7.10), retries with delay and
 * the original reason kept for the final DSN, null sender, init errors naming parameter and value.
 */
class TlsPolicyDeliveryTest {
    private static PeerEnvironment env;
    private static Path policy;
    private static final List<String> TRACKING = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void start() throws Exception {
        env = PeerEnvironment.start();
        policy = env.dir.resolve("mailsec-tls.policy");
        Files.writeString(policy, String.join("\n",
                "[outbound]",
                "default               may",
                "valid.tls.test        verify",
                "wrongname.tls.test    verify",
                "plain.tls.test        encrypt",
                "dave@plain.tls.test   may        # address beats its domain",
                "refused.tls.test      encrypt",
                ""));
        TrackingLog.of(io.mailsec.core.runtime.MailsecRuntime.standalone()).tap(TRACKING::add);
    }

    @AfterAll
    static void stop() {
        TrackingLog.of(io.mailsec.core.runtime.MailsecRuntime.standalone()).tap(null);
        if (env != null) {
            env.close();
        }
    }

    private static final List<TlsPolicyDelivery> MAILETS = new ArrayList<>();

    @AfterEach
    void clear() {
        MAILETS.forEach(TlsPolicyDelivery::destroy);
        MAILETS.clear();
        TRACKING.clear();
    }

    private static TlsPolicyDelivery mailet(FakeMailContext ctx, String... params) throws MessagingException {
        FakeMailetConfig.Builder b = FakeMailetConfig.builder().mailetName("TlsPolicyDelivery").mailetContext(ctx)
                .setProperty("policyFile", policy.toString())
                .setProperty("dnsServers", PeerEnvironment.DNS)
                .setProperty("trustStore", env.caFile.toString())
                .setProperty("heloName", "mx.sender.test")
                .setProperty("connectTimeout", "5s");
        for (int i = 0; i < params.length; i += 2) {
            b.setProperty(params[i], params[i + 1]);
        }
        return mailet(b, new MemoryMailQueueFactory(new RawMailQueueItemDecoratorFactory()));
    }

    private static TlsPolicyDelivery mailet(FakeMailetConfig.Builder config, MailQueueFactory<?> queues) throws MessagingException {
        TlsPolicyDelivery m = new TlsPolicyDelivery(io.mailsec.core.runtime.MailsecRuntime.standalone(), queues);
        m.init(config.build());
        MAILETS.add(m);
        return m;
    }

    /** The DSNs and other mail the mailet sent, once {@code n} are there (workers deliver asynchronously). */
    private static List<FakeMailContext.SentMail> sent(FakeMailContext ctx, int n, Duration within) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (ctx.getSentMails().size() < n && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        return ctx.getSentMails();
    }

    private static FakeMail mail(String token, String sender, String... rcpts) throws Exception {
        MimeMessage msg = new MimeMessage(Session.getInstance(new Properties()));
        msg.setFrom("alice@sender.test");
        msg.setSubject(token);
        msg.setText("body " + token);
        msg.setHeader("Message-ID", "<" + token + "@sender.test>");
        FakeMail.Builder b = FakeMail.builder().name("mail-" + token).mimeMessage(msg).state("relay");
        if (sender != null) {
            b.sender(sender);
        }
        List<MailAddress> r = new ArrayList<>();
        for (String s : rcpts) {
            r.add(new MailAddress(s));
        }
        return b.recipients(r).build();
    }

    private static String text(MimeMessage m) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        m.writeTo(b);
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void splitsRecipientsByLevelAndBouncesTlsFailureAtOnce() throws Exception {
        FakeMailContext ctx = FakeMailContext.defaultContext();
        String token = UUID.randomUUID().toString();
        FakeMail mail = mail(token, "alice@sender.test", "bob@valid.tls.test", "carol@plain.tls.test", "dave@plain.tls.test");
        mailet(ctx).service(mail);

        assertThat(mail.getState()).as("queued: the spooler thread does not deliver").isEqualTo(Mail.GHOST);
        assertThat(TRACKING).anyMatch(l -> l.contains("\"outcome\":\"queued\"") && l.contains("carol@plain.tls.test"));
        assertThat(env.postfix.message("Delivered-To: bob@valid.tls.test", Duration.ofSeconds(10))).contains(token);
        assertThat(env.postfix.message("Delivered-To: dave@plain.tls.test", Duration.ofSeconds(10))).contains(token);
        assertThat(env.postfix.message("Delivered-To: carol@plain.tls.test", Duration.ofMillis(300))).isNull();

        assertThat(sent(ctx, 1, Duration.ofSeconds(10))).singleElement().satisfies(sent -> {
            assertThat(sent.getRecipients()).containsExactly(new MailAddress("alice@sender.test"));
            assertThat(sent.getSender() == null || sent.getSender().isNullSender()).as("DSN from <>").isTrue();
            String dsn = text(sent.getMsg());
            assertThat(dsn).contains("report-type=delivery-status", "Final-Recipient: rfc822; carol@plain.tls.test",
                    "Status: 5.7.10", "TLS unavailable", "mx.plain.tls.test [127.0.4.11]", "failed step: starttls",
                    "Subject: " + token);
            assertThat(dsn).doesNotContain("Final-Recipient: rfc822; bob@", "Final-Recipient: rfc822; dave@");
        });
        assertThat(TRACKING).anyMatch(l -> l.contains("\"outcome\":\"bounced\"") && l.contains("carol@plain.tls.test"));
        assertThat(TRACKING).anyMatch(l -> l.contains("dave@plain.tls.test") && l.contains("\"level\":\"may\"")
                && l.contains("\"entry\":\"dave@plain.tls.test\"") && l.contains("\"outcome\":\"delivered\""));
    }

    /**
     * RFC 8461 precedence: a destination's MTA-STS requirement applies only where the list has no explicit
     * entry, and its failures are retried even under onTlsFailure=bounce (§5.1: never final before the
     * policy was looked up again); the source is in the tracking lines and the DSN.
     */
    @Test
    void anMtaStsRequirementAppliesOnlyWithoutAListEntryAndItsFailuresAreRetried() throws Exception {
        FakeMailContext ctx = FakeMailContext.defaultContext();
        TlsPolicyDelivery m = mailet(ctx, "maxRetries", "1", "retrySchedule", "2s");
        List<String> asked = java.util.Collections.synchronizedList(new ArrayList<>());
        m.destinations(domain -> {
            asked.add(domain);
            return java.util.Optional.of(io.mailsec.tls.outbound.TlsRequirement.mtaSts("mta-sts id=t1",
                    h -> h.startsWith("mx."), "mx: mx.*", null));
        });
        String token = UUID.randomUUID().toString();
        long start = System.nanoTime();
        m.service(mail(token, "alice@sender.test", "sam@selfsigned.tls.test", "carol@plain.tls.test"));
        List<FakeMailContext.SentMail> dsns = sent(ctx, 2, Duration.ofSeconds(20));
        long elapsed = (System.nanoTime() - start) / 1_000_000;
        assertThat(asked).as("an explicit list entry wins: plain.tls.test is never asked").containsOnly("selfsigned.tls.test");
        assertThat(dsns).hasSize(2);
        String carol = "";
        String sam = "";
        for (FakeMailContext.SentMail d : dsns) {
            String t = text(d.getMsg());
            carol = t.contains("carol@plain.tls.test") ? t : carol;
            sam = t.contains("sam@selfsigned.tls.test") ? t : sam;
        }
        assertThat(carol).contains("Status: 5.7.10", "source list");
        assertThat(sam).contains("Status: 5.7.10", "TLS unavailable", "source mta-sts", "entry mta-sts id=t1", "failed step: certificate");
        assertThat(elapsed).as("the MTA-STS failure waited for its retry although onTlsFailure is bounce").isGreaterThanOrEqualTo(2000);
        assertThat(TRACKING.stream().filter(l -> l.contains("sam@selfsigned.tls.test") && l.contains("\"source\":\"mta-sts\"")
                && l.contains("\"level\":\"verify\"") && l.contains("\"outcome\":\"blocked: TLS unavailable\""))).hasSize(2);
        assertThat(TRACKING).anyMatch(l -> l.contains("carol@plain.tls.test") && l.contains("\"source\":\"list\""));
    }

    /** RFC 8689 §5: "TLS-Required: No" waives the destination's MTA-STS requirement, not the administrator's list. */
    @Test
    void tlsRequiredNoWaivesMtaStsButNotTheList() throws Exception {
        FakeMailContext ctx = FakeMailContext.defaultContext();
        TlsPolicyDelivery m = mailet(ctx);
        List<String> asked = java.util.Collections.synchronizedList(new ArrayList<>());
        m.destinations(domain -> {
            asked.add(domain);
            return java.util.Optional.of(io.mailsec.tls.outbound.TlsRequirement.mtaSts("mta-sts id=t2", h -> true, "mx: *", null));
        });
        String token = UUID.randomUUID().toString();
        FakeMail mail = mail(token, "alice@sender.test", "sam@selfsigned.tls.test", "carol@plain.tls.test");
        mail.getMessage().setHeader("TLS-Required", "No");
        mail.getMessage().saveChanges();
        m.service(mail);
        assertThat(env.postfix.message("Delivered-To: sam@selfsigned.tls.test", Duration.ofSeconds(10))).as("delivered under the "
                + "list's default may, the self-signed certificate notwithstanding").contains(token);
        assertThat(sent(ctx, 1, Duration.ofSeconds(10))).singleElement().satisfies(d -> assertThat(text(d.getMsg()))
                .contains("carol@plain.tls.test", "Status: 5.7.10", "source list"));
        assertThat(asked).as("the destination was not even asked").isEmpty();
        assertThat(TRACKING).anyMatch(l -> l.contains("sam@selfsigned.tls.test") && l.contains("\"source\":\"default\"")
                && l.contains("\"outcome\":\"delivered\""));
    }

    @Test
    void retryModeRequeuesOnTheScheduleThenBouncesKeepingTheOriginalTlsReason() throws Exception {
        FakeMailContext ctx = FakeMailContext.defaultContext();
        TlsPolicyDelivery m = mailet(ctx, "onTlsFailure", "retry", "maxRetries", "1", "retrySchedule", "2s");
        String token = UUID.randomUUID().toString();
        long start = System.nanoTime();
        m.service(mail(token, "alice@sender.test", "carol@plain.tls.test"));
        List<FakeMailContext.SentMail> dsns = sent(ctx, 1, Duration.ofSeconds(20));
        long elapsed = (System.nanoTime() - start) / 1_000_000;
        assertThat(dsns).singleElement().satisfies(sent -> assertThat(text(sent.getMsg()))
                .contains("Status: 5.7.10", "TLS unavailable", "STARTTLS not offered", "failed step: starttls"));
        assertThat(elapsed).as("the retry waited for its 2 s delay").isGreaterThanOrEqualTo(2000);
        assertThat(TRACKING.stream().filter(l -> l.contains("carol@plain.tls.test") && l.contains("\"outcome\":\"blocked: TLS unavailable\"")))
                .as("two attempts: the first and one retry").hasSize(2);
    }

    @Test
    void aFinalFailureOfAnotherKindStillLeadsWithTheFirstTlsReason() throws Exception {
        FakeMailContext ctx = FakeMailContext.defaultContext();
        TlsPolicyDelivery m = mailet(ctx, "onTlsFailure", "retry", "maxRetries", "1");
        FakeMail retry = mail(UUID.randomUUID().toString(), "alice@sender.test", "carol@refused.tls.test");
        DeliveryState.queued(retry, java.time.Instant.now());
        DeliveryState.retry(retry, 1, java.time.Instant.now(), java.util.Map.of("carol@refused.tls.test",
                io.mailsec.tls.outbound.RecipientOutcome.temporary("carol@refused.tls.test", "4.7.10", "mx.plain.tls.test [127.0.4.11]",
                        "TLS unavailable (policy encrypt): STARTTLS not offered in the EHLO reply", true, "starttls")), false);
        m.deliver(retry);
        assertThat(ctx.getSentMails()).singleElement().satisfies(sent -> {
            String dsn = text(sent.getMsg());
            assertThat(dsn).contains("Status: 5.7.10", "TLS unavailable", "STARTTLS not offered", "failed step: starttls",
                    "last attempt:", "connect failed");
        });
    }

    @Test
    void nonTlsTemporaryFailureIsRetriedEvenInBounceModeWithTypedState() throws Exception {
        FakeMailContext ctx = FakeMailContext.defaultContext();
        MemoryMailQueueFactory queues = new MemoryMailQueueFactory(new RawMailQueueItemDecoratorFactory());
        TlsPolicyDelivery m = mailet(FakeMailetConfig.builder().mailetName("TlsPolicyDelivery").mailetContext(ctx)
                .setProperty("policyFile", policy.toString()).setProperty("dnsServers", PeerEnvironment.DNS)
                .setProperty("heloName", "mx.sender.test").setProperty("connectTimeout", "5s").setProperty("retrySchedule", "1h")
                .setProperty("queue", "retry-test"), queues);
        m.service(mail(UUID.randomUUID().toString(), "alice@sender.test", "x@refused.tls.test"));
        var queue = queues.getQueue(org.apache.james.queue.api.MailQueueName.of("retry-test")).orElseThrow();
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while ((queue.getSize() == 0 || TRACKING.stream().noneMatch(l -> l.contains("\"outcome\":\"deferred\"")))
                && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        List<Mail> queued = new ArrayList<>();
        queue.browse().forEachRemaining(i -> queued.add(i.getMail()));
        assertThat(queued).as("back in the queue for later").singleElement().satisfies(q -> {
            assertThat(DeliveryState.attempts(q)).isEqualTo(1);
            assertThat(DeliveryState.nextAttempt(q).orElseThrow()).isAfter(java.time.Instant.now().plus(Duration.ofMinutes(59)));
            assertThat(DeliveryState.firstFailures(q).get("x@refused.tls.test").diagnostic()).contains("connect failed");
        });
        assertThat(ctx.getSentMails()).as("no DSN yet").isEmpty();
    }

    @Test
    void nullSenderFailureGoesToThePostmasterAsADoubleBounce() throws Exception {
        FakeMailContext ctx = FakeMailContext.defaultContext();
        FakeMail mail = mail(UUID.randomUUID().toString(), null, "carol@plain.tls.test");
        mailet(ctx).service(mail);
        assertThat(sent(ctx, 1, Duration.ofSeconds(10))).singleElement().satisfies(sent -> {
            assertThat(sent.getSender().isNullSender()).isTrue();
            // the context names no postmaster here, so the mailet's default postmaster@<heloName> is used
            assertThat(sent.getRecipients()).singleElement().satisfies(r -> assertThat(r.asString()).startsWith("postmaster@"));
            assertThat(sent.getMsg().getContentType()).startsWith("multipart/report");
        });
        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
        assertThat(TRACKING).anyMatch(l -> l.contains("\"outcome\":\"bounced\""));
    }

    /** The final tracking line reports the TLS facts of the attempt that failed, not a constant "tls":false. */
    @Test
    void theBouncedTrackingLineCarriesTheTlsFactsOfTheAttempt() throws Exception {
        FakeMailContext ctx = FakeMailContext.defaultContext();
        mailet(ctx).service(mail(UUID.randomUUID().toString(), "alice@sender.test", "x@wrongname.tls.test"));
        assertThat(sent(ctx, 1, Duration.ofSeconds(10))).hasSize(1);
        assertThat(TRACKING).anyMatch(l -> l.contains("\"outcome\":\"bounced\"") && l.contains("x@wrongname.tls.test")
                && l.contains("\"tls\":true") && l.contains("\"protocol\":\"TLSv1."));
    }

    @Test
    void theEhloNameComesFromJamesConfigurationWhenNotGiven() throws Exception {
        FakeMailContext ctx = FakeMailContext.defaultContext();
        FakeMailetConfig config = FakeMailetConfig.builder().mailetName("TlsPolicyDelivery").mailetContext(ctx)
                .setProperty("policyFile", policy.toString()).setProperty("dnsServers", PeerEnvironment.DNS).build();
        TlsPolicyDelivery m = new TlsPolicyDelivery(new io.mailsec.core.runtime.MailsecRuntime(List.of(), "mx.configured.test"),
                new MemoryMailQueueFactory(new RawMailQueueItemDecoratorFactory()));
        m.init(config);
        MAILETS.add(m);
        assertThat(m.heloName()).as("smtpserver.xml's helloName, as MailsecModule reads it").isEqualTo("mx.configured.test");
    }

    @Test
    void badParametersFailInitNamingParameterAndValue() {
        FakeMailContext ctx = FakeMailContext.defaultContext();
        assertThatThrownBy(() -> mailet(ctx, "retrySchedule", "5m, soon")).hasMessageContaining("invalid parameter retrySchedule='5m, soon'");
        assertThatThrownBy(() -> mailet(ctx, "heloName", "localhost")).hasMessageContaining("invalid parameter heloName='localhost'")
                .hasMessageContaining("a fully qualified domain name");
        assertThatThrownBy(() -> mailet(ctx, "deliveryThreads", "0")).hasMessageContaining("invalid parameter deliveryThreads='0'");
        assertThatThrownBy(() -> mailet(ctx, "sessionTimeout", "1ms")).hasMessageContaining("invalid parameter sessionTimeout='1ms'");
        assertThatThrownBy(() -> mailet(ctx, "onTlsFailure", "ignore")).hasMessageContaining("invalid parameter onTlsFailure='ignore'");
        assertThatThrownBy(() -> mailet(ctx, "maxRetries", "-1")).hasMessageContaining("invalid parameter maxRetries='-1'");
        assertThatThrownBy(() -> mailet(ctx, "trustStore", "/nonexistent.pem")).hasMessageContaining("invalid parameter trustStore='/nonexistent.pem'");
        assertThatThrownBy(() -> mailet(ctx, "policyFile", "/nonexistent.policy")).hasMessageContaining("invalid parameter policyFile='/nonexistent.policy'");
        assertThatThrownBy(() -> mailet(ctx, "bogus", "1")).isInstanceOf(MessagingException.class)
                .hasMessageContaining("unknown parameter bogus").hasMessageContaining("retrySchedule");
    }
}

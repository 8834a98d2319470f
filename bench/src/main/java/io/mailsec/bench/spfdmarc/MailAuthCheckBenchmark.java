package io.mailsec.bench.spfdmarc;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import io.mailsec.core.dns.Dnsmasq;
import io.mailsec.core.peers.PeerTools;
import io.mailsec.dkim.DkimKeys;
import io.mailsec.dkim.DkimSigner;
import io.mailsec.dkim.SignSpec;
import io.mailsec.dkim.SigningKey;
import io.mailsec.dmarc.james.DmarcAttributes;
import io.mailsec.dmarc.james.MailAuthCheck;

/**
 * What the inbound checks cost per message in the mailet step, on the load run's message (10 KB text,
 * RSA-2048 relaxed/relaxed signature, aligned SPF) held in James's own message class, with a real
 * dnsmasq behind a warm cache. {@code baseline} builds the same Mail and adds an equally long header,
 * so {@code mailAuthCheck - baseline} is the checks themselves.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgs = {"-Xms512m", "-Xmx512m", "-XX:+UseParallelGC", "-Dlogback.configurationFile=logback-bench.xml"})
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class MailAuthCheckBenchmark {
    /** The SPF/DMARC area's DNS test address (127.0.2.x). */
    static final String DNS = "127.0.2.53";

    static final String DOMAIN = "auth.test";
    Dnsmasq dns;
    MailAuthCheck check;
    byte[] raw;
    String header;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        SigningKey key = DkimKeys.generate(SigningKey.Type.RSA, 2048, "bench");
        dns = Dnsmasq.on(DNS).zone("test").ttl(300)
                .txt(DOMAIN, "v=spf1 ip4:192.0.2.0/24 -all")
                .txt("mta." + DOMAIN, "v=spf1 ip4:192.0.2.0/24 -all")
                .txt("_dmarc." + DOMAIN, "v=DMARC1; p=reject")
                .txt("s1._domainkey." + DOMAIN, key.dnsRecord())
                .start();
        check = new MailAuthCheck();
        check.init(FakeMailetConfig.builder().mailetName("MailAuthCheck").setProperty("dnsServers", DNS)
                .setProperty("authservId", "mx.receiver.test").setProperty("trustedNetworks", "").build());
        String msg = message();
        String sig = DkimSigner.sign(msg.getBytes(StandardCharsets.US_ASCII), List.of(new SignSpec(key, DOMAIN, "s1"))).get(0);
        raw = (sig + "\r\n" + msg).getBytes(StandardCharsets.US_ASCII);
        MailImpl m = mail();
        check.service(m);
        if (!"pass".equals(m.getAttribute(org.apache.mailet.AttributeName.of(DmarcAttributes.RESULT)).get().getValue().value())) {
            throw new IllegalStateException("DMARC must pass before timing");
        }
        header = m.getMessage().getHeader("Authentication-Results")[0];
        m.dispose();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        dns.close();
    }

    static String message() {
        StringBuilder b = new StringBuilder("From: <alice@" + DOMAIN + ">\r\nTo: <bob@receiver.test>\r\nSubject: load 1\r\n"
                + "Date: Sun, 22 Nov 2026 12:00:00 +0000\r\nMessage-ID: <load-1@bench.example>\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n");
        while (b.length() < 10 * 1024) {
            b.append("The quick brown fox jumps over the lazy dog, message body line of the load run.\r\n");
        }
        return b.toString();
    }

    /** The Mail as James's SMTP server makes it: the received bytes behind a MimeMessageInputStreamSource. */
    MailImpl mail() throws MessagingException {
        MailImpl m = MailImpl.builder().name("m").remoteAddr("192.0.2.10").remoteHost("mta." + DOMAIN)
                .sender(MaybeSender.of(new MailAddress("bounce@" + DOMAIN))).addRecipient("bob@receiver.test")
                .addAttribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("mta." + DOMAIN))).build();
        m.setMessageContent(MimeMessageInputStreamSource.create("bench", new ByteArrayInputStream(raw)));
        return m;
    }

    @Benchmark
    public int baseline() throws MessagingException {
        MailImpl m = mail();
        try {
            m.getMessage().addHeader("Authentication-Results", header);
            return m.attributes().mapToInt(a -> 1).sum();
        } finally {
            m.dispose(); // as James does; an undisposed MailImpl logs a leak when collected
        }
    }

    @Benchmark
    public int mailAuthCheck() throws MessagingException {
        MailImpl m = mail();
        try {
            check.service(m);
            return m.attributes().mapToInt(a -> 1).sum();
        } finally {
            m.dispose();
        }
    }
}

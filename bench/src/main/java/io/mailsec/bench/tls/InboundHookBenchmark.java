package io.mailsec.bench.tls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPSession;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.mailsec.tls.james.FakeSmtpSession;
import io.mailsec.tls.james.InboundTlsPolicyHook;
import io.mailsec.tls.policy.PolicyStore;

/** Cost of the inbound hook per SMTP transaction (MAIL FROM + one RCPT TO) with the 10,000-entry policy. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class InboundHookBenchmark {
    private InboundTlsPolicyHook hook;
    private SMTPSession session;
    private MaybeSender sender;
    private MailAddress rcpt;

    @Setup
    public void setup() throws Exception {
        Path f = Files.createTempFile("bench", ".policy");
        Files.writeString(f, PolicyLookupBenchmark.policyText());
        hook = new InboundTlsPolicyHook();
        hook.setStore(PolicyStore.open(f, Duration.ofSeconds(5)));
        session = FakeSmtpSession.of("10.1.2.3", FakeSmtpSession.ssl("TLSv1.3", "TLS_AES_256_GCM_SHA384"), null);
        sender = MaybeSender.of(new MailAddress("alice@mx.host.t17.example"));
        rcpt = new MailAddress("bob@d42.example");
    }

    @Benchmark
    public Object mailAndRcpt() {
        hook.doMail(session, sender);
        return hook.doRcpt(session, sender, rcpt);
    }
}

package io.mailsec.bench.tls;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageWrapper;
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

import io.mailsec.tls.tracking.MessageIdScanner;

/**
 * The Message-ID the tracking hook needs, from a message as James's SMTP server hands it over (a
 * fresh MimeMessageWrapper on the received bytes, DKIM-signed 10 KB like the load run): scanning
 * the received bytes against JavaMail parsing the header block, which the hook did before.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MessageIdBenchmark {
    private byte[] raw;

    @Setup
    public void setup() {
        StringBuilder b = new StringBuilder("Received: from mta.bench.test ([127.0.6.10])\r\n"
                + "          by mx.example (JAMES SMTP Server ) with ESMTP ID 1a2b3c4d\r\n"
                + "          for <user1@local.test>;\r\n          Sun, 22 Nov 2026 12:00:00 +0000 (UTC)\r\n"
                + "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=bench.test; s=s1;\r\n"
                + "\th=from:to:subject:date:message-id:mime-version:content-type;\r\n"
                + "\tbh=frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=;\r\n\tb=");
        for (int i = 0; i < 6; i++) {
            b.append("AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCdEfGhIjKlMnOpQrStUvWx\r\n\t ");
        }
        b.append("AbCd==\r\nFrom: <alice@bench.test>\r\nTo: <user1@local.test>\r\nSubject: load 1\r\n"
                + "Date: Sun, 22 Nov 2026 12:00:00 +0000\r\nMessage-ID: <load-1@bench.example>\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n");
        while (b.length() < 10 * 1024) {
            b.append("The quick brown fox jumps over the lazy dog, message body line of the load run.\r\n");
        }
        raw = b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private MimeMessageWrapper received() throws Exception {
        return new MimeMessageWrapper(MimeMessageInputStreamSource.create("m", new ByteArrayInputStream(raw)));
    }

    @Benchmark
    public Object receivedMessageOnly() throws Exception {
        MimeMessageWrapper m = received(); // the baseline both others include
        m.dispose();
        return m;
    }

    @Benchmark
    public Object scanReceivedBytes() throws Exception {
        MimeMessageWrapper m = received();
        try (java.io.InputStream in = m.getMessageInputStream()) {
            return MessageIdScanner.scan(in);
        } finally {
            m.dispose();
        }
    }

    @Benchmark
    public Object javaMailHeaderParse() throws Exception {
        MimeMessageWrapper m = received();
        try {
            return m.getMessageID();
        } finally {
            m.dispose();
        }
    }
}

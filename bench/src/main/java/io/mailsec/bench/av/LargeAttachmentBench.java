package io.mailsec.bench.av;

import io.mailsec.av.ClamdClient;
import io.mailsec.av.ClamdProcess;
import io.mailsec.av.GeneratedMessage;
import io.mailsec.av.MessageScanner;
import io.mailsec.av.Verdict;
import java.io.ByteArrayInputStream;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * One message with a 20 MB (decoded) base64 attachment: time per scan, ours vs direct INSTREAM of
 * the decoded 20 MB, and (with -prof gc) bytes allocated per scan: the scanner's extra heap. The
 * encoded message and the decoded part are built once, outside the measurement.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx512m"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class LargeAttachmentBench {
    static final long SIZE = 20L * 1024 * 1024;
    ClamdProcess clamd;
    ClamdClient client;
    MessageScanner scanner;
    byte[] message;
    byte[] decoded;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        clamd = ClamdProcess.startWithStreamMaxLength(32L * 1024 * 1024);
        client = ClamdClient.builder(clamd.tcpEndpoint()).streamMaxLength(32L * 1024 * 1024).build();
        scanner = new MessageScanner(client);
        message = new GeneratedMessage(SIZE).readAllBytes();
        decoded = new byte[(int) SIZE];
        java.util.SplittableRandom r = new java.util.SplittableRandom(42);
        for (int i = 0; i < decoded.length; i++) {
            decoded[i] = (byte) r.nextInt(256);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        client.close();
        clamd.close();
    }

    @Benchmark
    public Verdict ourScanner20MB() throws Exception {
        return scanner.scan(new ByteArrayInputStream(message)).verdict();
    }

    @Benchmark
    public String directInstream20MB() throws Exception {
        return DirectInstream.scan(ClamdProcess.ADDRESS, clamd.port(), decoded);
    }
}

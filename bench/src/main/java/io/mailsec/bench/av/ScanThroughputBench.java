package io.mailsec.bench.av;

import io.mailsec.av.ClamdClient;
import io.mailsec.av.ClamdProcess;
import io.mailsec.av.MessageScanner;
import io.mailsec.av.Mime;
import io.mailsec.av.ScanReport;
import io.mailsec.av.TestFiles;
import io.mailsec.av.Verdict;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
 * Messages per second: a typical small mail (text part + a small ZIP attachment, base64) through
 * MessageScanner, versus sending the same two decoded parts to the same clamd directly over INSTREAM
 * (one connection per part, like clamdscan --stream). Run with -t 1 and -t 4 (pool of 4).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class ScanThroughputBench {
    ClamdProcess clamd;
    ClamdClient pooled;
    ClamdClient unpooled;
    MessageScanner scanner;
    MessageScanner scannerNoSessions;
    byte[] message;
    List<byte[]> parts;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        clamd = ClamdProcess.start();
        pooled = ClamdClient.builder(clamd.tcpEndpoint()).poolSize(4).build();
        unpooled = ClamdClient.builder(clamd.tcpEndpoint()).poolSize(4).sessions(false).build();
        scanner = new MessageScanner(pooled);
        scannerNoSessions = new MessageScanner(unpooled);
        byte[] text = "Hello,\r\n\r\nplease find the quarterly figures attached.\r\n\r\nRegards,\r\nAlice\r\n"
            .getBytes(StandardCharsets.US_ASCII);
        byte[] zip = TestFiles.zip("figures.txt", "quarter,revenue\nQ1,100\nQ2,120\nQ3,130\n".repeat(20).getBytes(StandardCharsets.US_ASCII));
        message = Mime.message("figures").multipart("mixed", "b")
            .line("--b").line("Content-Type: text/plain; charset=us-ascii").line("")
            .raw(new String(text, StandardCharsets.US_ASCII))
            .base64Part("b", "application/zip", "figures.zip", zip).end("b").bytes();
        // exactly what the scanner sends: the text part (its trailing CRLF belongs to the delimiter) and the zip
        parts = List.of(java.util.Arrays.copyOf(text, text.length - 2), zip);
        ScanReport r = scanner.scan(new ByteArrayInputStream(message));
        if (r.verdict() != Verdict.CLEAN || r.parts().size() != 2 || r.parts().get(0).size() != parts.get(0).length
            || r.parts().get(1).size() != zip.length) {
            throw new IllegalStateException("benchmark message not scanned as expected: " + r.toJson());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pooled.close();
        unpooled.close();
        clamd.close();
    }

    @Benchmark
    public Verdict ourScanner() throws Exception {
        return scanner.scan(new ByteArrayInputStream(message)).verdict();
    }

    @Benchmark
    public Verdict ourScannerWithoutSessions() throws Exception {
        return scannerNoSessions.scan(new ByteArrayInputStream(message)).verdict();
    }

    @Benchmark
    public int directInstream() throws Exception {
        int ok = 0;
        for (byte[] p : parts) {
            if (DirectInstream.scan(ClamdProcess.ADDRESS, clamd.port(), p).endsWith("OK")) {
                ok++;
            }
        }
        return ok;
    }
}

package io.mailsec.bench.av;

import java.io.ByteArrayInputStream;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 16: the MIME walk and transfer decoding alone (no clamd, whose time dominates a scan and is
 * noisy), into a sink that reads and discards what the scanner would send: the hand-written
 * {@code MimeWalker} against the mime4j {@code MimeTokenStream} walk, with mime4j's base64 decoder and
 * with ours, in the same run. Messages/s, and raw message bytes/s ({@code rawBytes}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 2, jvmArgs = {"-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class MimeWalkBench {
    @Param({"typical", "large", "largeShortBoundary"})
    public String message;

    byte[] bytes;
    Map<String, Walkers.Walk> walks;
    Walkers.Walk handWritten;
    Walkers.Walk mime4j;
    Walkers.Walk mime4jOurBase64;

    /** Raw message bytes walked, reported per second next to messages per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        public long rawBytes;
        final byte[] chunk = new byte[64 * 1024];

        @Setup(Level.Iteration)
        public void reset() {
            rawBytes = 0;
        }
    }

    @Setup(Level.Trial)
    public void setup() throws Exception {
        bytes = WalkMessages.get(message);
        Walkers.assertSameParts(bytes);
        walks = Walkers.all();
        handWritten = walks.get("handWritten");
        mime4j = walks.get("mime4j");
        mime4jOurBase64 = walks.get("mime4jOurBase64");
    }

    private long run(Walkers.Walk w, Bytes counter) throws Exception {
        NullSink sink = new NullSink(counter.chunk);
        w.walk(new ByteArrayInputStream(bytes), sink);
        counter.rawBytes += bytes.length;
        return sink.decodedBytes;
    }

    @Benchmark
    public long handWritten(Bytes counter) throws Exception {
        return run(handWritten, counter);
    }

    @Benchmark
    public long mime4j(Bytes counter) throws Exception {
        return run(mime4j, counter);
    }

    @Benchmark
    public long mime4jOurBase64(Bytes counter) throws Exception {
        return run(mime4jOurBase64, counter);
    }
}

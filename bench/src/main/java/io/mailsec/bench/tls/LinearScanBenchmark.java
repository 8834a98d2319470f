package io.mailsec.bench.tls;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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

/** Baseline ("peer"): the same 8,000 outbound entries checked one by one, as a naive list would. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class LinearScanBenchmark {
    private String[] subjects;
    private String[] recipients;
    private int i;

    @Setup
    public void setup() {
        List<String> s = new ArrayList<>();
        for (String line : PolicyLookupBenchmark.policyText().split("\n")) {
            if (line.startsWith("[inbound]")) {
                break;
            }
            if (!line.startsWith("[") && !line.startsWith("default")) {
                s.add(line.split(" ")[0]);
            }
        }
        subjects = s.toArray(new String[0]);
        recipients = new String[] {"user@d3999.example", "someone@unlisted1.org", "ceo5@a5.example", "x@mx.t2999.example"};
    }

    @Benchmark
    public Object linearScan() {
        String r = recipients[i++ & 3];
        String domain = r.substring(r.indexOf('@') + 1);
        String best = null;
        for (String s : subjects) {
            if (s.equals(r) || s.equals(domain) || (s.startsWith(".") && (domain.endsWith(s) || domain.equals(s.substring(1))))) {
                best = s;
            }
        }
        return best;
    }
}

package io.mailsec.bench.tls;

import java.net.InetAddress;
import java.util.Random;
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

import io.mailsec.tls.policy.PolicyParser;
import io.mailsec.tls.policy.TlsPolicy;

/**
 * Policy lookups against a 10,000-entry file (issue 3 cost target: at least 1,000,000 lookups/s).
 * Outbound: 8,000 entries (exact domains, .domain trees, addresses); inbound: 2,000 IPv4/IPv6 ranges.
 * Queries mix hits at every precedence level and misses that fall to the default.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PolicyLookupBenchmark {
    private TlsPolicy policy;
    private String[] recipients;
    private InetAddress[] peers;
    private int i;

    @Setup
    public void setup() throws Exception {
        policy = PolicyParser.parse(policyText(), "bench.policy");
        Random r = new Random(42);
        recipients = new String[4096];
        for (int k = 0; k < recipients.length; k++) {
            int n = r.nextInt(4000);
            switch (k % 5) {
                case 0: recipients[k] = "user" + k + "@d" + n + ".example"; break;           // exact domain
                case 1: recipients[k] = "user@mx.host.t" + n + ".example"; break;           // parent tree, 2 levels up
                case 2: recipients[k] = "ceo" + (n % 1000) + "@a" + (n % 1000) + ".example"; break; // address
                case 3: recipients[k] = "someone@unlisted" + n + ".org"; break;             // default
                default: recipients[k] = "x@sub.d" + n + ".example"; break;                 // miss below exact
            }
        }
        peers = new InetAddress[4096];
        for (int k = 0; k < peers.length; k++) {
            peers[k] = k % 2 == 0
                    ? InetAddress.getByAddress(new byte[] {10, (byte) r.nextInt(256), (byte) r.nextInt(256), (byte) r.nextInt(256)})
                    : InetAddress.getByName("2001:db8:" + Integer.toHexString(r.nextInt(1200)) + "::" + r.nextInt(9999));
        }
    }

    public static String policyText() {
        StringBuilder sb = new StringBuilder("[outbound]\ndefault may\n");
        for (int k = 0; k < 4000; k++) {
            sb.append('d').append(k).append(".example encrypt\n");
        }
        for (int k = 0; k < 3000; k++) {
            sb.append(".t").append(k).append(".example verify\n");
        }
        for (int k = 0; k < 1000; k++) {
            sb.append("ceo").append(k).append("@a").append(k).append(".example none\n");
        }
        sb.append("[inbound]\ndefault may\n");
        for (int k = 0; k < 1000; k++) {
            sb.append("10.").append(k % 256).append('.').append(k / 256 * 16).append(".0/").append(k % 3 == 0 ? 20 : 24).append(" encrypt\n");
        }
        for (int k = 0; k < 1000; k++) {
            sb.append("2001:db8:").append(Integer.toHexString(k)).append("::/").append(k % 2 == 0 ? 48 : 64).append(" verify\n");
        }
        return sb.toString();
    }

    @Benchmark
    public Object recipientLookup() {
        return policy.outbound().lookup(recipients[i++ & 4095]);
    }

    @Benchmark
    public Object peerIpLookup() {
        return policy.inbound().lookup(peers[i++ & 4095]);
    }
}

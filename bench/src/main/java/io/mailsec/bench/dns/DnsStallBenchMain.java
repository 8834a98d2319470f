package io.mailsec.bench.dns;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import io.mailsec.core.dns.transport.MailsecDnsResolver;
import io.mailsec.core.dns.transport.ScriptedDnsServer;

/**
 * Issue 19, "DNS without stalls": N concurrent cold lookups (distinct names, all sent at once) against
 * a local server that answers each after 5 ms, through dnsjava 3.5.2's own client (SimpleResolver, what
 * mailsec used and James ships) and through mailsec's transport (MailsecDnsResolver), alternating rounds
 * in one run. Reports per-query latency percentiles and lookups that failed.
 *
 * <p>Usage: {@code scripts/bench-dns-stall.sh [lookups=1000] [rounds=5]}.
 */
public final class DnsStallBenchMain {
    static final String ADDRESS = "127.0.25.53";

    private DnsStallBenchMain() {
    }

    public static void main(String[] args) throws Exception {
        int lookups = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        try (ScriptedDnsServer server = ScriptedDnsServer.start(ADDRESS, 53, 5)) {
            SimpleResolver dnsjava = new SimpleResolver(server.address());
            dnsjava.setTimeout(Duration.ofSeconds(5));
            MailsecDnsResolver mailsec = new MailsecDnsResolver(server.address());
            mailsec.setTimeout(Duration.ofSeconds(5));
            // warm-up: class loading and JIT for both, not counted
            round(dnsjava, "warm-a", 200);
            round(mailsec, "warm-b", 200);
            List<long[]> a = new ArrayList<>();
            List<long[]> b = new ArrayList<>();
            int[] failed = new int[2];
            for (int r = 0; r < rounds; r++) {
                boolean first = r % 2 == 0;
                for (int side : first ? new int[] {0, 1} : new int[] {1, 0}) {
                    long[] lat = round(side == 0 ? dnsjava : mailsec, "r" + r + "s" + side, lookups);
                    failed[side] += (int) Arrays.stream(lat).filter(x -> x < 0).count();
                    (side == 0 ? a : b).add(lat);
                }
            }
            System.out.printf("%d concurrent cold lookups per round, %d rounds, server answers after 5 ms (%s)%n", lookups, rounds, ADDRESS);
            System.out.printf("%-32s %8s %8s %8s %8s %8s %7s%n", "transport", "p50 ms", "p90 ms", "p99 ms", "max ms", "mean ms", "failed");
            print("dnsjava 3.5.2 SimpleResolver", a, failed[0]);
            print("mailsec MailsecDnsResolver", b, failed[1]);
        }
    }

    /** Per-lookup latency in microseconds (-1: failed), all lookups sent before any answer is awaited. */
    static long[] round(Resolver r, String tag, int n) throws Exception {
        long[] lat = new long[n];
        List<CompletableFuture<Void>> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int k = i;
            Message q = Message.newQuery(Record.newRecord(Name.fromString("q" + i + "-" + tag + ".stall.test."), Type.A, DClass.IN));
            long start = System.nanoTime();
            all.add(r.sendAsync(q).toCompletableFuture().handle((m, e) -> {
                lat[k] = e != null || m == null ? -1 : (System.nanoTime() - start) / 1000;
                return null;
            }));
        }
        CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).join();
        return lat;
    }

    static void print(String name, List<long[]> rounds, int failed) {
        long[] all = rounds.stream().flatMapToLong(Arrays::stream).filter(x -> x >= 0).sorted().toArray();
        if (all.length == 0) {
            System.out.printf("%-32s no lookup succeeded, %d failed%n", name, failed);
            return;
        }
        System.out.printf("%-32s %8.1f %8.1f %8.1f %8.1f %8.1f %7d%n", name, pct(all, 50), pct(all, 90), pct(all, 99),
                all[all.length - 1] / 1000.0, Arrays.stream(all).average().orElse(0) / 1000.0, failed);
    }

    static double pct(long[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)] / 1000.0;
    }
}

package io.mailsec.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.mailsec.core.dns.DnsResolver;
import io.mailsec.core.dns.DnsResult;
import io.mailsec.core.dns.MxRecord;
import io.mailsec.dmarc.DmarcEvaluator;
import io.mailsec.dmarc.DmarcInput;
import io.mailsec.dmarc.DmarcMode;
import io.mailsec.dmarc.DmarcVerdict;
import io.mailsec.dmarc.FromDomains;

/** Cold path: independent lookups (MX host addresses, the DMARC tree walk) are not serialized. */
class ParallelLookupsTest {
    final ExecutorService pool = Executors.newFixedThreadPool(8);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /** Each query takes 60 ms; records the largest number of queries in flight at once. */
    static final class SlowResolver implements DnsResolver {
        final DnsResolver zone;
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();

        SlowResolver(DnsResolver zone) {
            this.zone = zone;
        }

        <T> DnsResult<T> slow(java.util.function.Supplier<DnsResult<T>> q) {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                Thread.sleep(60);
                return q.get();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                inFlight.decrementAndGet();
            }
        }

        @Override
        public DnsResult<String> txt(String name) {
            return slow(() -> zone.txt(name));
        }

        @Override
        public DnsResult<InetAddress> a(String name) {
            return slow(() -> zone.a(name));
        }

        @Override
        public DnsResult<InetAddress> aaaa(String name) {
            return slow(() -> zone.aaaa(name));
        }

        @Override
        public DnsResult<MxRecord> mx(String name) {
            return slow(() -> zone.mx(name));
        }

        @Override
        public DnsResult<String> ptr(InetAddress address) {
            return slow(() -> zone.ptr(address));
        }
    }

    static Map<String, Object> zone() {
        Map<String, Object> z = new HashMap<>();
        List<Object> mx = new ArrayList<>();
        mx.add(Map.of("TXT", "v=spf1 mx -all"));
        for (int i = 1; i <= 6; i++) {
            mx.add(Map.of("MX", List.of(i, "mx" + i + ".example.com")));
            z.put("mx" + i + ".example.com", List.of(Map.of("A", "192.0.2." + i)));
        }
        z.put("example.com", mx);
        z.put("_dmarc.example.com", List.of(Map.of("TXT", "v=DMARC1; p=reject")));
        return z;
    }

    @Test
    void mxHostAddressesAreLookedUpTogether_rfc7208_5_4() {
        SlowResolver serial = new SlowResolver(new ZoneResolver(zone()));
        SlowResolver parallel = new SlowResolver(new ZoneResolver(zone()));
        SpfVerdict a = SpfEvaluator.builder(serial).build().checkMailFrom("192.0.2.6", "u@example.com", "h");
        SpfVerdict b = SpfEvaluator.builder(parallel).executor(pool).build().checkMailFrom("192.0.2.6", "u@example.com", "h");
        assertThat(a.result()).isEqualTo(SpfResult.PASS);
        assertThat(b.result()).isEqualTo(SpfResult.PASS);
        assertThat(serial.maxInFlight.get()).isEqualTo(1);
        assertThat(parallel.maxInFlight.get()).isGreaterThanOrEqualTo(2);
        assertThat(SpfEvaluator.builder(new SlowResolver(new ZoneResolver(zone()))).executor(pool).build()
                .checkMailFrom("192.0.2.99", "u@example.com", "h").result()).isEqualTo(SpfResult.FAIL);
    }

    @Test
    void dmarcTreeWalkQueriesAreSentTogether_rfc9989_4_10() {
        SlowResolver serial = new SlowResolver(new ZoneResolver(zone()));
        SlowResolver parallel = new SlowResolver(new ZoneResolver(zone()));
        DmarcInput in = DmarcInput.builder(FromDomains.parse(List.of("x@a.b.c.example.com"))).dkim("example.com", "s", "pass").build();
        DmarcVerdict a = DmarcEvaluator.builder(serial).mode(DmarcMode.RFC9989).build().evaluate(in);
        DmarcVerdict b = DmarcEvaluator.builder(parallel).mode(DmarcMode.RFC9989).executor(pool).build().evaluate(in);
        assertThat(a.toString()).isEqualTo(b.toString());
        assertThat(b.policyDomain()).isEqualTo("example.com");
        assertThat(serial.maxInFlight.get()).isEqualTo(1);
        assertThat(parallel.maxInFlight.get()).isGreaterThanOrEqualTo(2);
    }
}

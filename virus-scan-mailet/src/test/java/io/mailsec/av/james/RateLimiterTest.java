package io.mailsec.av.james;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The per-recipient warning limit ({@code rateLimit} of VirusWarning): sliding window, safe under spooler threads. */
class RateLimiterTest {

    @Test
    void slidingWindowAllowsMaxPerKey() {
        AtomicLong now = new AtomicLong(1_000_000);
        RateLimiter r = RateLimiter.parse("2/1h", now::get);
        assertThat(r.tryAcquire("a")).isTrue();
        assertThat(r.tryAcquire("a")).isTrue();
        assertThat(r.tryAcquire("a")).isFalse();
        assertThat(r.tryAcquire("b")).isTrue();
        now.addAndGet(3_600_000);
        assertThat(r.tryAcquire("a")).isTrue();
        assertThat(RateLimiter.parse("0/1h", now::get).tryAcquire("a")).isFalse();
        assertThatThrownBy(() -> RateLimiter.parse("ten/1h", now::get)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void concurrentCallersNeverExceedTheLimitEvenWhileSweeping() throws Exception {
        // the clock moves one window every 200 calls, so sweeps run while other threads acquire
        AtomicLong calls = new AtomicLong();
        long window = 1000;
        RateLimiter r = new RateLimiter(3, java.time.Duration.ofMillis(window), () -> (calls.incrementAndGet() / 200) * window);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 50; round++) {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Boolean>> results = new ArrayList<>();
                String key = "k" + round;
                long before = calls.get();
                for (int i = 0; i < 8; i++) {
                    results.add(pool.submit(() -> {
                        go.await();
                        return r.tryAcquire(key);
                    }));
                }
                go.countDown();
                int granted = 0;
                for (Future<Boolean> f : results) {
                    granted += f.get(10, TimeUnit.SECONDS) ? 1 : 0;
                }
                long windows = (calls.get() / 200) - (before / 200) + 1;
                assertThat(granted).as("round %d", round).isBetween(1, (int) (3 * windows));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}

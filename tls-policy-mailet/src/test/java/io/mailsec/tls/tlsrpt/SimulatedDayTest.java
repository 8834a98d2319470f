package io.mailsec.tls.tlsrpt;

import static io.mailsec.tls.tlsrpt.SimulatedDay.DAY;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A simulated day of mixed outcomes through the recorder and the file store: concurrent recording,
 * a restart in the middle of the day with a line torn by the "crash", and sessions on both sides of
 * midnight. The counts read back are checked against what the test itself counted while recording.
 */
class SimulatedDayTest {
    @TempDir
    Path dir;

    @Test
    void everySessionIsCountedOnceAcrossARestartAndATornLine() throws Exception {
        Instant midnight = DAY.atStartOfDay(ZoneOffset.UTC).toInstant();
        MutableClock clock = new MutableClock(midnight);
        SimulatedDay sim = new SimulatedDay();
        FileTlsRptStore store = FileTlsRptStore.open(dir, clock, 7);
        TlsRptRecorder first = new TlsRptRecorder(store, clock);

        // the evening before belongs to the day before
        sim.record(first, clock, midnight.minusSeconds(60), midnight.minusSeconds(1), 3, SimulatedDay.morning());
        // the morning: 4 delivery threads at once, 1200 sessions
        clock.set(midnight.plusSeconds(6 * 3600));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            done.add(pool.submit(() -> {
                for (int i = 0; i < 300; i++) {
                    SimulatedDay.Kind k = sim.next(SimulatedDay.morning());
                    Instant at = clock.instant();
                    assertThat(k.failure == null ? first.success(k.policy) : first.failure(k.policy, k.failure)).isTrue();
                    sim.recorded(k, at);
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(sim.sessions).isEqualTo(1200);
        assertThat(SimulatedDay.counts(DayTally.read(store, DAY))).isEqualTo(sim.expected);

        // James dies in the middle of a write: half a session line is all that reached the file
        store.close();
        Path file = dir.resolve(DAY + ".jsonl");
        String whole = "{\"session\":\"" + midnight.plusSeconds(6 * 3600) + "\",\"policy\":\"" + StoreLines.policyId(SimulatedDay.PLAIN) + "\"}";
        Files.write(file, whole.substring(0, 40).getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);

        // after the restart: the torn line is skipped, nothing else is lost
        FileTlsRptStore again = FileTlsRptStore.open(dir, clock, 7);
        DayTally afterCrash = DayTally.read(again, DAY);
        assertThat(afterCrash.skipped()).isEqualTo(1);
        assertThat(afterCrash.sessions()).isEqualTo(1200);
        assertThat(SimulatedDay.counts(afterCrash)).isEqualTo(sim.expected);

        // the rest of the day through a new recorder; example.com's policy changes at noon
        TlsRptRecorder second = new TlsRptRecorder(again, clock);
        sim.record(second, clock, midnight.plusSeconds(6 * 3600 + 1), midnight.plusSeconds(12 * 3600 - 1), 200, SimulatedDay.morning());
        sim.record(second, clock, midnight.plusSeconds(12 * 3600), midnight.plusSeconds(24 * 3600 - 1), 600, SimulatedDay.afternoon());
        // and the first minute of the next day
        sim.record(second, clock, midnight.plusSeconds(24 * 3600), midnight.plusSeconds(24 * 3600 + 60), 5, SimulatedDay.afternoon());

        DayTally day = DayTally.read(again, DAY);
        assertThat(day.skipped()).as("the torn tail was cut off before the first new line").isZero();
        assertThat(day.sessions()).isEqualTo(sim.sessions).isEqualTo(2000);
        Map<String, Long> counts = SimulatedDay.counts(day);
        assertThat(counts).isEqualTo(sim.expected);
        assertThat(counts.keySet()).as("the draw reached every kind of session")
                .hasSize(SimulatedDay.afternoon().size() + 5);
        assertThat(day.domains()).containsExactly("broken-sts.example", "example.com", "mx.dane.example", "plain.example");
        assertThat(day.policies("example.com")).extracting(p -> SimulatedDay.nameOf(p.policy())).containsExactly("sts-morning", "sts-afternoon");
        assertThat(DayTally.read(again, DAY.minusDays(1)).sessions()).isEqualTo(3);
        assertThat(DayTally.read(again, DAY.plusDays(1)).sessions()).isEqualTo(5);
        assertThat(again.days()).containsExactly(DAY.minusDays(1), DAY, DAY.plusDays(1));

        // every line of the file is whole: the fragment is gone, each policy is written once per run
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(Files.readString(file)).endsWith("\n");
        assertThat(lines).noneMatch(l -> l.equals(whole.substring(0, 40)));
        assertThat(lines.stream().filter(l -> l.startsWith("{\"policy\":")).count()).as("policy lines, two runs").isBetween(5L, 9L);
        assertThat(lines.stream().filter(l -> l.startsWith("{\"session\":")).count()).isEqualTo(2000);
        again.close();
    }

    @Test
    void ipv6AddressesAreWrittenInTheirRfc5952Form() throws Exception {
        MutableClock clock = new MutableClock(DAY.atStartOfDay(ZoneOffset.UTC).toInstant());
        try (FileTlsRptStore store = FileTlsRptStore.open(dir, clock, 7)) {
            new TlsRptRecorder(store, clock).failure(SimulatedDay.PLAIN, SessionFailure.of(ResultType.STARTTLS_NOT_SUPPORTED)
                    .sendingMtaIp(SimulatedDay.address("2001:0DB8:0:0:1:0:0:25")).receivingMxHostname("MX.Plain.Example.")
                    .receivingIp("2001:db8:0:0:0:0:2:1"));
            SessionFailure f = DayTally.read(store, DAY).policies("plain.example").get(0).failures().keySet().iterator().next();
            assertThat(f.sendingMtaIp()).contains("2001:db8::1:0:0:25");
            assertThat(f.receivingIp()).contains("2001:db8::2:1");
            assertThat(f.receivingMxHostname()).contains("mx.plain.example");
        }
    }
}

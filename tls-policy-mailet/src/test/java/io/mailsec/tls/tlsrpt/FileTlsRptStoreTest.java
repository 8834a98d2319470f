package io.mailsec.tls.tlsrpt;

import static io.mailsec.tls.tlsrpt.SimulatedDay.DAY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The day files: what a line holds, retention, files that are not the store's, lines that cannot be read. */
class FileTlsRptStoreTest {
    @TempDir
    Path dir;

    private static Instant at(int daysAfter, int hour) {
        return DAY.plusDays(daysAfter).atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(hour * 3600L);
    }

    @Test
    void aPolicyIsWrittenOnceAndEachSessionIsOneLineThatReadsBackEqual() throws Exception {
        MutableClock clock = new MutableClock(at(0, 9));
        SessionRecord ok = SessionRecord.success(at(0, 9).plusMillis(250), SimulatedDay.MORNING);
        SessionRecord failed = SessionRecord.failure(at(0, 10), SimulatedDay.MORNING, SimulatedDay.fail(ResultType.CERTIFICATE_EXPIRED,
                "mx1.example.com", "198.51.100.10").receivingMxHelo("mx1 ESMTP").additionalInformation("https://example.net/why?id=1")
                .failureReasonCode("certificate\r\nexpired"));
        try (FileTlsRptStore store = FileTlsRptStore.open(dir, clock, 7)) {
            store.append(ok);
            store.append(failed);
            List<SessionRecord> back = new ArrayList<>();
            assertThat(store.read(DAY, back::add)).isZero();
            assertThat(back).containsExactly(SessionRecord.success(at(0, 9), SimulatedDay.MORNING), failed);
            assertThat(back.get(1).failure().get().failureReasonCode()).contains("certificate expired");
        }
        List<String> lines = Files.readAllLines(dir.resolve("2026-12-03.jsonl"));
        String id = StoreLines.policyId(SimulatedDay.MORNING);
        assertThat(lines).containsExactly(
                "{\"policy\":\"" + id + "\",\"type\":\"sts\",\"domain\":\"example.com\",\"strings\":[\"version: STSv1\",\"mode: enforce\","
                        + "\"mx: mx1.example.com\",\"mx: *.backup.example.com\",\"max_age: 604800\"],\"mx\":[\"mx1.example.com\",\"*.backup.example.com\"]}",
                "{\"session\":\"2026-12-03T09:00:00Z\",\"policy\":\"" + id + "\"}",
                "{\"session\":\"2026-12-03T10:00:00Z\",\"policy\":\"" + id + "\",\"result-type\":\"certificate-expired\","
                        + "\"sending-mta-ip\":\"192.0.2.25\",\"receiving-mx-hostname\":\"mx1.example.com\",\"receiving-mx-helo\":\"mx1 ESMTP\","
                        + "\"receiving-ip\":\"198.51.100.10\",\"additional-information\":\"https://example.net/why?id=1\","
                        + "\"failure-reason-code\":\"certificate expired\"}");
        assertThat(id).matches("[0-9a-f]{16}").isNotEqualTo(StoreLines.policyId(SimulatedDay.AFTERNOON));
    }

    @Test
    void daysPastTheRetentionGoWhenANewDayBegins() throws Exception {
        MutableClock clock = new MutableClock(at(0, 12));
        try (FileTlsRptStore store = FileTlsRptStore.open(dir, clock, 3)) {
            for (int d = 0; d < 3; d++) {
                clock.set(at(d, 12));
                store.append(SessionRecord.success(clock.instant(), SimulatedDay.PLAIN));
            }
            assertThat(store.days()).containsExactly(DAY, DAY.plusDays(1), DAY.plusDays(2));
            clock.set(at(3, 0));
            store.append(SessionRecord.success(clock.instant(), SimulatedDay.PLAIN));
            assertThat(store.days()).as("3 days kept, today counted").containsExactly(DAY.plusDays(1), DAY.plusDays(2), DAY.plusDays(3));
            assertThat(store.purgeBefore(DAY.plusDays(3))).isEqualTo(2);
            assertThat(store.days()).containsExactly(DAY.plusDays(3));
        }
        // a store opened later removes what expired meanwhile
        Files.writeString(dir.resolve("2026-11-01.jsonl"), "");
        FileTlsRptStore.open(dir, new MutableClock(at(3, 1)), 3).close();
        assertThat(Files.exists(dir.resolve("2026-11-01.jsonl"))).isFalse();
        assertThatThrownBy(() -> FileTlsRptStore.open(dir, new MutableClock(at(0, 0)), 1)).hasMessageContaining("at least 2 days");
    }

    @Test
    void otherFilesAreLeftAloneAndUnreadableLinesAreSkippedAndCounted() throws Exception {
        Files.writeString(dir.resolve("notes.txt"), "mine");
        Files.writeString(dir.resolve("2026-02-30.jsonl"), "not a date");
        Path file = dir.resolve("2026-12-03.jsonl");
        MutableClock clock = new MutableClock(at(0, 8));
        try (FileTlsRptStore store = FileTlsRptStore.open(dir, clock, 7)) {
            store.append(SessionRecord.success(at(0, 8), SimulatedDay.DANE));
            Files.write(file, new byte[] {'{', (byte) 0xC3, '}', '\n'}, StandardOpenOption.APPEND);           // not UTF-8
            Files.writeString(file, "{\"session\":\"2026-12-03T08:00:00Z\",\"policy\":\"0000000000000000\"}\n", StandardOpenOption.APPEND);
            Files.writeString(file, "[1,2]\n{\"session\":\"yesterday\",\"policy\":\"" + StoreLines.policyId(SimulatedDay.DANE) + "\"}\n",
                    StandardOpenOption.APPEND);
            store.append(SessionRecord.success(at(0, 9), SimulatedDay.DANE));
            List<SessionRecord> back = new ArrayList<>();
            assertThat(store.read(DAY, back::add)).isEqualTo(4);
            assertThat(back).hasSize(2);
            assertThat(store.days()).containsExactly(DAY);
        }
        assertThat(Files.readString(dir.resolve("notes.txt"))).isEqualTo("mine");
        assertThat(Files.exists(dir.resolve("2026-02-30.jsonl"))).isTrue();
    }

    @Test
    void aRecorderWhoseStoreCannotWriteLosesTheSessionNotTheDelivery() throws Exception {
        TlsRptStore full = new TlsRptStore() {
            @Override
            public void append(SessionRecord record) throws IOException {
                throw new IOException("No space left on device");
            }

            @Override
            public long read(java.time.LocalDate day, java.util.function.Consumer<SessionRecord> sink) {
                return 0;
            }

            @Override
            public java.util.SortedSet<java.time.LocalDate> days() {
                return new java.util.TreeSet<>();
            }

            @Override
            public int purgeBefore(java.time.LocalDate firstKept) {
                return 0;
            }

            @Override
            public void close() {
            }
        };
        TlsRptRecorder r = new TlsRptRecorder(full, new MutableClock(at(0, 1)));
        assertThat(r.success(SimulatedDay.PLAIN)).isFalse();
        assertThat(r.failure(SimulatedDay.PLAIN, SessionFailure.of(ResultType.STS_POLICY_INVALID))).isFalse();
        assertThat(r.lost()).isEqualTo(2);
    }

    @Test
    void whatTheModelAccepts() {
        assertThat(AppliedPolicy.sts("EXAMPLE.com.", "version: STSv1\r\nmode: none\r\n\r\nmax_age: 1\r\n", List.of()).strings())
                .containsExactly("version: STSv1", "mode: none", "max_age: 1");
        assertThat(AppliedPolicy.noPolicyFound("bücher.example").domain()).isEqualTo("xn--bcher-kva.example");
        assertThatThrownBy(() -> AppliedPolicy.noPolicyFound("not a domain")).hasMessageContaining("not a domain name");
        assertThatThrownBy(() -> SessionFailure.of(ResultType.VALIDATION_FAILURE).receivingIp("mx.example.com"))
                .hasMessageContaining("not an IP address");
        assertThat(SessionFailure.of(ResultType.VALIDATION_FAILURE).receivingIp("::ffff:192.0.2.7").receivingIp()).contains("192.0.2.7");
        assertThat(SessionFailure.of(ResultType.VALIDATION_FAILURE).failureReasonCode("x".repeat(300)).failureReasonCode().get())
                .hasSize(SessionFailure.MAX_TEXT);
        assertThat(ResultType.of(io.mailsec.tls.mtasts.StsFailureType.WEBPKI_INVALID)).isEqualTo(ResultType.STS_WEBPKI_INVALID);
        for (io.mailsec.tls.mtasts.StsFailureType t : io.mailsec.tls.mtasts.StsFailureType.values()) {
            assertThat(ResultType.of(t).word()).isEqualTo(t.resultType());
        }
        assertThat(ResultType.values()).extracting(ResultType::word).containsExactly("starttls-not-supported", "certificate-host-mismatch",
                "certificate-expired", "certificate-not-trusted", "validation-failure", "tlsa-invalid", "dnssec-invalid", "dane-required",
                "sts-policy-fetch-error", "sts-policy-invalid", "sts-webpki-invalid");
        AppliedPolicy dane = AppliedPolicy.tlsa("MX.dane.example", "mx.dane.example",
                io.mailsec.tls.dane.TlsaRecordSet.parse(List.of(SimulatedDay.TLSA_EE.toLowerCase(java.util.Locale.ROOT), "1 0 1 " + "AB".repeat(32))));
        assertThat(dane.strings()).as("usable first, in presentation form; then the unusable as given (PKIX-EE)")
                .containsExactly(SimulatedDay.TLSA_EE, "1 0 1 " + "AB".repeat(32));
        assertThat(dane.domain()).isEqualTo("mx.dane.example");
        assertThat(dane.mxHosts()).containsExactly("mx.dane.example");
    }
}

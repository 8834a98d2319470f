package io.mailsec.tls.tlsrpt;

import java.net.InetAddress;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A day of outbound sessions with mixed outcomes, made up for the tests (no third-party data): five
 * policies of four Policy Domains, among them an MTA-STS policy replaced at noon, and every RFC 8460
 * result type. Each session is drawn with a fixed seed; {@link #expected} counts what the test
 * recorded, keyed by the test's own names, so the store's and the report's counts are checked against
 * something they did not compute.
 */
final class SimulatedDay {
    static final LocalDate DAY = LocalDate.of(2026, 12, 3);
    static final String STS_MORNING = "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\r\nmx: *.backup.example.com\r\nmax_age: 604800\r\n";
    static final String STS_AFTERNOON = "version: STSv1\nmode: testing\nmx: mx2.example.com\nmax_age: 86400\n";
    static final String TLSA_EE = "3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6";
    static final String TLSA_TA = "2 0 1 E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855";

    static final AppliedPolicy MORNING = AppliedPolicy.sts("Example.COM.", STS_MORNING, List.of("mx1.example.com", "*.backup.example.com"));
    static final AppliedPolicy AFTERNOON = AppliedPolicy.sts("example.com", STS_AFTERNOON, List.of("mx2.example.com"));
    static final AppliedPolicy DANE = AppliedPolicy.tlsa("mx.dane.example", "mx.dane.example", List.of(TLSA_EE, TLSA_TA));
    static final AppliedPolicy PLAIN = AppliedPolicy.noPolicyFound("plain.example");
    static final AppliedPolicy BROKEN = AppliedPolicy.noPolicyFound("broken-sts.example");

    static final String OUR_V4 = "192.0.2.25";
    static final InetAddress OUR_V6 = address("2001:db8:0:0:0:0:0:25");

    /** One kind of session: the test's name for its policy, the policy, the failure (null: success), the weight. */
    static final class Kind {
        final String policyName;
        final AppliedPolicy policy;
        final SessionFailure failure;
        final int weight;

        Kind(String policyName, AppliedPolicy policy, SessionFailure failure, int weight) {
            this.policyName = policyName;
            this.policy = policy;
            this.failure = failure;
            this.weight = weight;
        }

        /** The key of {@link #expected}: the policy's name and the outcome in the test's own words. */
        String key() {
            return policyName + " " + (failure == null ? "success"
                    : failure.resultType().word() + " mx=" + failure.receivingMxHostname().orElse("-") + " ip=" + failure.receivingIp().orElse("-"));
        }
    }

    static List<Kind> morning() {
        return List.of(
                new Kind("sts-morning", MORNING, null, 60),
                new Kind("sts-morning", MORNING, fail(ResultType.CERTIFICATE_EXPIRED, "mx1.example.com", "198.51.100.10")
                        .failureReasonCode("certificate expired 2026-11-30T00:00:00Z"), 5),
                new Kind("sts-morning", MORNING, fail(ResultType.CERTIFICATE_HOST_MISMATCH, "a.backup.example.com", "198.51.100.11"), 3),
                new Kind("sts-morning", MORNING, fail(ResultType.CERTIFICATE_NOT_TRUSTED, "a.backup.example.com", "198.51.100.11"), 2),
                new Kind("sts-morning", MORNING, fail(ResultType.STARTTLS_NOT_SUPPORTED, "mx1.example.com", "2001:db8:0:0:1:0:0:1")
                        .sendingMtaIp(OUR_V6), 2),
                new Kind("dane", DANE, null, 30),
                new Kind("dane", DANE, fail(ResultType.DANE_REQUIRED, "mx.dane.example", "198.51.100.20"), 2),
                new Kind("dane", DANE, fail(ResultType.TLSA_INVALID, "mx.dane.example", "198.51.100.20"), 2),
                new Kind("dane", DANE, SessionFailure.of(ResultType.DNSSEC_INVALID).receivingMxHostname("mx.dane.example"), 1),
                new Kind("dane", DANE, fail(ResultType.VALIDATION_FAILURE, "mx.dane.example", "198.51.100.20")
                        .failureReasonCode("no TLSA record authenticates the server"), 1),
                new Kind("plain", PLAIN, null, 40),
                new Kind("plain", PLAIN, fail(ResultType.STARTTLS_NOT_SUPPORTED, "mx.plain.example", "203.0.113.5")
                        .receivingMxHelo("mx.plain.example"), 6),
                new Kind("broken", BROKEN, SessionFailure.of(ResultType.STS_POLICY_FETCH_ERROR)
                        .failureReasonCode("connect to mta-sts.broken-sts.example: connection refused"), 4),
                new Kind("broken", BROKEN, SessionFailure.of(ResultType.STS_WEBPKI_INVALID), 1),
                new Kind("broken", BROKEN, SessionFailure.of(ResultType.STS_POLICY_INVALID), 1),
                new Kind("broken", BROKEN, null, 5));
    }

    /** After noon example.com serves a new policy: its sessions are another policy entry of the same report. */
    static List<Kind> afternoon() {
        List<Kind> k = new ArrayList<>();
        for (Kind m : morning()) {
            if (m.policy != MORNING) {
                k.add(m);
            }
        }
        k.add(new Kind("sts-afternoon", AFTERNOON, null, 50));
        k.add(new Kind("sts-afternoon", AFTERNOON, fail(ResultType.CERTIFICATE_EXPIRED, "mx2.example.com", "198.51.100.12"), 4));
        return k;
    }

    static SessionFailure fail(ResultType t, String mx, String ip) {
        return SessionFailure.of(t).sendingMtaIp(OUR_V4).receivingMxHostname(mx).receivingIp(ip);
    }

    static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private final Random random = new Random(8460);
    /** What the test recorded for {@link #DAY}: key -> sessions. */
    final Map<String, Long> expected = new TreeMap<>();
    long sessions;

    /** Draws the next session of {@code kinds} and remembers it as expected when it belongs to {@link #DAY}. */
    synchronized Kind next(List<Kind> kinds) {
        int total = 0;
        for (Kind k : kinds) {
            total += k.weight;
        }
        int r = random.nextInt(total);
        for (Kind k : kinds) {
            r -= k.weight;
            if (r < 0) {
                return k;
            }
        }
        throw new AssertionError();
    }

    synchronized void recorded(Kind k, java.time.Instant at) {
        if (LocalDate.ofInstant(at, ZoneOffset.UTC).equals(DAY)) {
            expected.merge(k.key(), 1L, Long::sum);
            sessions++;
        }
    }

    /**
     * Records {@code n} sessions drawn from {@code kinds}, the clock moving evenly from {@code from}
     * to {@code to}, one at a time.
     */
    void record(TlsRptRecorder recorder, MutableClock clock, java.time.Instant from, java.time.Instant to, int n, List<Kind> kinds) {
        long span = to.getEpochSecond() - from.getEpochSecond();
        for (int i = 0; i < n; i++) {
            java.time.Instant at = from.plusSeconds(n == 1 ? 0 : span * i / (n - 1));
            clock.set(at);
            Kind k = next(kinds);
            boolean ok = k.failure == null ? recorder.success(k.policy) : recorder.failure(k.policy, k.failure);
            if (!ok) {
                throw new AssertionError("the recorder lost a session");
            }
            recorded(k, at);
        }
    }

    /** A whole day in one store, sequentially: the morning's policies until noon, the afternoon's after. */
    static SimulatedDay wholeDay(TlsRptStore store, MutableClock clock) {
        SimulatedDay sim = new SimulatedDay();
        TlsRptRecorder r = new TlsRptRecorder(store, clock);
        java.time.Instant midnight = DAY.atStartOfDay(ZoneOffset.UTC).toInstant();
        sim.record(r, clock, midnight, midnight.plusSeconds(12 * 3600 - 1), 400, morning());
        sim.record(r, clock, midnight.plusSeconds(12 * 3600), midnight.plusSeconds(24 * 3600 - 1), 400, afternoon());
        return sim;
    }

    /** The tally in the keys of {@link #expected}. */
    static Map<String, Long> counts(DayTally t) {
        Map<String, Long> m = new TreeMap<>();
        for (String d : t.domains()) {
            for (PolicyTally p : t.policies(d)) {
                String name = nameOf(p.policy());
                if (p.successes() > 0) {
                    m.merge(name + " success", p.successes(), Long::sum);
                }
                for (Map.Entry<SessionFailure, Long> f : p.failures().entrySet()) {
                    m.merge(new Kind(name, p.policy(), f.getKey(), 0).key(), f.getValue(), Long::sum);
                }
            }
        }
        return m;
    }

    /** The test's name for a policy the store hands back (by what it is, not by object identity). */
    static String nameOf(AppliedPolicy p) {
        if (p.equals(MORNING)) {
            return "sts-morning";
        }
        if (p.equals(AFTERNOON)) {
            return "sts-afternoon";
        }
        if (p.equals(DANE)) {
            return "dane";
        }
        if (p.equals(PLAIN)) {
            return "plain";
        }
        if (p.equals(BROKEN)) {
            return "broken";
        }
        throw new AssertionError("a policy the test never recorded: " + p);
    }
}

package io.mailsec.bench.dane;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import io.mailsec.core.dns.CachingDnsResolver;
import io.mailsec.core.dns.DnsResult;
import io.mailsec.core.dns.DnsjavaResolver;
import io.mailsec.core.dns.MxRecord;
import io.mailsec.core.dns.dnssec.CachingDnssecResolver;
import io.mailsec.core.dns.dnssec.DaneTestZones;
import io.mailsec.core.dns.dnssec.DnssecResolver;
import io.mailsec.core.dns.dnssec.DnssecResolvers;
import io.mailsec.core.dns.dnssec.DnssecResult;
import io.mailsec.core.dns.dnssec.DnssecStatus;
import io.mailsec.core.dns.dnssec.DnssecTestbed;
import io.mailsec.core.dns.dnssec.TlsaRdata;
import io.mailsec.core.dns.dnssec.TrustAnchors;
import io.mailsec.tls.dane.DaneHost;
import io.mailsec.tls.dane.DaneLookup;
import io.mailsec.tls.dane.TlsaRecordSet;

/**
 * What a cached DANE decision costs (the target: at most 10 µs per domain), and what a
 * cached validated lookup costs next to the same lookup in the unvalidated cache, in the same run.
 * The answers are real: mailsec-core's DnssecTestbed (signed zones on NSD, unbound; needs root),
 * validated once in setup, then served from the caches (kept for an hour so nothing expires
 * during the run).
 *
 * <p>A decision is what delivery does per recipient domain before connecting: MX, then for the
 * MX host its A and AAAA and its TLSA RRset, each status checked, and the RDATA read into a
 * {@link TlsaRecordSet}: by hand over the caching resolvers ({@code daneDecision*}), and through
 * {@link DaneLookup} as OutboundDelivery does it, with its per-host decision cache
 * ({@code deliveryDecision*}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgs = {"-Xms256m", "-Xmx256m", "-XX:+UseParallelGC", "-Dlogback.configurationFile=logback-bench.xml"})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
public class DaneLookupBenchmark {
    static final String DOMAIN = DaneTestZones.SECURE;
    static final String HOST = "mx." + DaneTestZones.SECURE;

    DnssecTestbed dns;
    DnssecResolver validated;
    DnssecResolver trustAd;
    CachingDnsResolver plain;
    DaneLookup daneValidated;
    DaneLookup daneTrustAd;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dns = DnssecTestbed.start();
        Duration timeout = Duration.ofSeconds(5);
        validated = CachingDnssecResolver.builder(DnssecResolvers.validate(List.of(DnssecTestbed.RECURSIVE), timeout,
                TrustAnchors.read(dns.trustAnchor()))).minTtl(3600).build();
        trustAd = CachingDnssecResolver.builder(DnssecResolvers.trustAd(List.of(DnssecTestbed.VALIDATING), timeout))
                .minTtl(3600).build();
        plain = CachingDnsResolver.builder(DnsjavaResolver.create(List.of(DnssecTestbed.RECURSIVE), timeout)).minTtl(3600).build();
        for (DnssecResolver r : List.of(validated, trustAd)) {
            int usable = decision(r);
            if (usable != DaneTestZones.SECURE_TLSA.size()) {
                throw new IllegalStateException(r + ": the warm-up decision found " + usable + " usable TLSA records");
            }
        }
        daneValidated = new DaneLookup(validated, 25);
        daneTrustAd = new DaneLookup(trustAd, 25);
        for (DaneLookup l : List.of(daneValidated, daneTrustAd)) {
            int usable = lookupDecision(l);
            if (usable != DaneTestZones.SECURE_TLSA.size()) {
                throw new IllegalStateException("DaneLookup's warm-up decision found " + usable + " usable TLSA records");
            }
        }
        if (plainDecisionOf(plain) != 2) {
            throw new IllegalStateException("the unvalidated warm-up found no addresses");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        dns.close();
    }

    /** The number of usable TLSA records of the domain's MX hosts, or -1 when DANE does not apply or a lookup failed. */
    static int decision(DnssecResolver r) {
        DnssecResult<MxRecord> mx = r.mx(DOMAIN);
        if (mx.dnssec() != DnssecStatus.SECURE) {
            return -1;
        }
        int usable = 0;
        for (MxRecord m : mx.records()) {
            DnssecResult<InetAddress> addresses = r.addresses(m.exchange());
            if (addresses.dnssec() != DnssecStatus.SECURE) {
                return -1;
            }
            DnssecResult<TlsaRdata> tlsa = r.tlsa(m.exchange());
            if (tlsa.dnssec() != DnssecStatus.SECURE) {
                return -1;
            }
            List<byte[]> wire = new ArrayList<>(tlsa.records().size());
            for (TlsaRdata t : tlsa.records()) {
                wire.add(t.wire());
            }
            usable += TlsaRecordSet.fromWire(wire).usable().size();
        }
        return usable;
    }

    /**
     * The decision as delivery makes it since DANE is wired (OutboundDelivery → DaneLookup): the MX
     * RRset's status, then per MX host the DaneHost decision, itself cached for its TTL.
     */
    static int lookupDecision(DaneLookup l) {
        DnssecResult<MxRecord> mx = l.mx(DOMAIN);
        if (!mx.isSecure()) {
            return -1;
        }
        int usable = 0;
        for (MxRecord m : mx.records()) {
            DaneHost h = l.host(m.exchange());
            if (h.kind() != DaneHost.Kind.DANE) {
                return -1;
            }
            usable += h.tlsa().usable().size();
        }
        return usable;
    }

    /** The unvalidated part of the same work (MX, then A and AAAA of each host): what delivery does today. */
    static int plainDecisionOf(CachingDnsResolver r) {
        int n = 0;
        for (MxRecord m : r.mx(DOMAIN).records()) {
            DnsResult<InetAddress> a = r.addresses(m.exchange());
            n += a.records().size();
        }
        return n;
    }

    @Benchmark
    public DnssecResult<MxRecord> validatedMxCached() {
        return validated.mx(DOMAIN);
    }

    @Benchmark
    public DnsResult<MxRecord> plainMxCached() {
        return plain.mx(DOMAIN);
    }

    @Benchmark
    public DnssecResult<TlsaRdata> validatedTlsaCached() {
        return validated.tlsa(HOST);
    }

    @Benchmark
    public int daneDecisionValidated() {
        return decision(validated);
    }

    @Benchmark
    public int daneDecisionTrustAd() {
        return decision(trustAd);
    }

    @Benchmark
    public int deliveryDecisionValidated() {
        return lookupDecision(daneValidated);
    }

    @Benchmark
    public int deliveryDecisionTrustAd() {
        return lookupDecision(daneTrustAd);
    }

    @Benchmark
    public int plainDecision() {
        return plainDecisionOf(plain);
    }
}

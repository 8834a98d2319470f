package io.mailsec.core.dns.dnssec;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.mailsec.core.dns.DnsResult;
import io.mailsec.core.dns.DnsStatus;
import io.mailsec.core.dns.MxRecord;

class CachingDnssecResolverTest {
    /** Answers from a queue, counting queries. */
    static final class Scripted implements DnssecResolver {
        final Deque<DnssecResult<?>> answers = new ArrayDeque<>();
        final AtomicInteger queries = new AtomicInteger();

        @SuppressWarnings("unchecked")
        private <T> DnssecResult<T> next() {
            queries.incrementAndGet();
            return (DnssecResult<T>) answers.removeFirst();
        }

        @Override
        public DnssecMode mode() {
            return DnssecMode.VALIDATE;
        }

        @Override
        public DnssecResult<MxRecord> mx(String domain) {
            return next();
        }

        @Override
        public DnssecResult<InetAddress> a(String host) {
            return next();
        }

        @Override
        public DnssecResult<InetAddress> aaaa(String host) {
            return next();
        }

        @Override
        public DnssecResult<TlsaRdata> tlsa(String host, int port) {
            return next();
        }
    }

    private static DnssecResult<TlsaRdata> secureTlsa(long ttl) {
        return DnssecResult.answer(DnssecStatus.SECURE, DnsResult.ok(List.of(new TlsaRdata(new byte[] {3, 1, 1, 9})), ttl), "_25._tcp.mx.a.test");
    }

    @Test
    void secureAndInsecureAnswersAreKeptForTheirTtl() {
        Scripted s = new Scripted();
        AtomicLong now = new AtomicLong(1_000_000);
        CachingDnssecResolver c = CachingDnssecResolver.builder(s).clock(now::get).build();
        s.answers.add(secureTlsa(60));
        s.answers.add(DnssecResult.answer(DnssecStatus.SECURE, DnsResult.of(DnsStatus.NXDOMAIN, 30, "none"), "_25._tcp.mx.b.test"));
        assertThat(c.tlsa("MX.A.test.").isSecure()).isTrue();
        assertThat(c.tlsa("mx.a.test").records()).hasSize(1);
        assertThat(c.tlsa("mx.b.test").status()).isEqualTo(DnsStatus.NXDOMAIN);
        assertThat(c.tlsa("mx.b.test").status()).isEqualTo(DnsStatus.NXDOMAIN);
        assertThat(s.queries).hasValue(2);
        now.addAndGet(31_000);
        s.answers.add(secureTlsa(60));
        c.tlsa("mx.b.test");
        c.tlsa("mx.a.test");
        assertThat(s.queries).hasValue(3);
        assertThat(c.mode()).isEqualTo(DnssecMode.VALIDATE);
    }

    /** Delivery defers on these, and the next attempt must ask again. */
    @Test
    void bogusAndIndeterminateAreNeverKept() {
        Scripted s = new Scripted();
        CachingDnssecResolver c = CachingDnssecResolver.of(s);
        s.answers.add(DnssecResult.bogus("_25._tcp.mx.a.test", "expired"));
        s.answers.add(DnssecResult.indeterminate("_25._tcp.mx.a.test", DnsStatus.TIMEOUT, "timeout"));
        s.answers.add(secureTlsa(60));
        assertThat(c.tlsa("mx.a.test").dnssec()).isEqualTo(DnssecStatus.BOGUS);
        assertThat(c.tlsa("mx.a.test").dnssec()).isEqualTo(DnssecStatus.INDETERMINATE);
        assertThat(c.tlsa("mx.a.test").dnssec()).isEqualTo(DnssecStatus.SECURE);
        assertThat(c.tlsa("mx.a.test").dnssec()).isEqualTo(DnssecStatus.SECURE);
        assertThat(s.queries).hasValue(3);
    }

    @Test
    void portsAndTypesAreSeparateEntries() throws Exception {
        Scripted s = new Scripted();
        CachingDnssecResolver c = CachingDnssecResolver.of(s);
        s.answers.add(secureTlsa(60));
        s.answers.add(secureTlsa(60));
        s.answers.add(DnssecResult.answer(DnssecStatus.SECURE, DnsResult.ok(List.of(InetAddress.getByName("192.0.2.1")), 60), "mx.a.test"));
        c.tlsa("mx.a.test", 25);
        c.tlsa("mx.a.test", 465);
        c.a("mx.a.test");
        c.tlsa("mx.a.test", 25);
        c.tlsa("mx.a.test", 465);
        c.a("mx.a.test");
        assertThat(s.queries).hasValue(3);
        assertThat(c.size()).isEqualTo(3);
    }

    /** A failure of either family wins; SECURE only when both are. */
    @Test
    void addressesCombineBothFamilies() throws Exception {
        Scripted s = new Scripted();
        DnssecResult<InetAddress> v4 = DnssecResult.answer(DnssecStatus.SECURE, DnsResult.ok(List.of(InetAddress.getByName("192.0.2.1")), 60), "mx.a.test");
        DnssecResult<InetAddress> v6none = DnssecResult.answer(DnssecStatus.SECURE, DnsResult.of(DnsStatus.NODATA, 30, "none"), "mx.a.test");
        DnssecResult<InetAddress> v6insecure = DnssecResult.answer(DnssecStatus.INSECURE, DnsResult.ok(List.of(InetAddress.getByName("2001:db8::1")), 60), "mx.a.test");
        s.answers.addAll(List.of(v4, v6none, v4, v6insecure, v4, DnssecResult.bogus("mx.a.test", "x")));
        DnssecResult<InetAddress> r = s.addresses("mx.a.test");
        assertThat(r.isSecure()).isTrue();
        assertThat(r.records()).hasSize(1);
        assertThat(r.ttlSeconds()).isEqualTo(30);
        DnssecResult<InetAddress> mixed = s.addresses("mx.a.test");
        assertThat(mixed.dnssec()).isEqualTo(DnssecStatus.INSECURE);
        assertThat(mixed.records()).hasSize(2);
        DnssecResult<InetAddress> broken = s.addresses("mx.a.test");
        assertThat(broken.dnssec()).isEqualTo(DnssecStatus.BOGUS);
        assertThat(broken.records()).isEmpty();
    }
}

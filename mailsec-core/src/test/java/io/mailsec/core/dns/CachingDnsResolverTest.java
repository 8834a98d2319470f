package io.mailsec.core.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** TTL honouring and negative caching (RFC 2308) of {@link CachingDnsResolver}. */
class CachingDnsResolverTest {
    /** A scripted resolver that records the queries reaching it. */
    static final class Scripted implements DnsResolver {
        final List<String> queries = new ArrayList<>();
        DnsResult<String> txtAnswer = DnsResult.ok(List.of("v=spf1 -all"), 60);

        @Override
        public DnsResult<String> txt(String name) {
            queries.add("TXT " + name);
            return txtAnswer;
        }

        @Override
        public DnsResult<InetAddress> a(String name) {
            queries.add("A " + name);
            return DnsResult.of(DnsStatus.NXDOMAIN, 30, "nx");
        }

        @Override
        public DnsResult<InetAddress> aaaa(String name) {
            queries.add("AAAA " + name);
            return DnsResult.of(DnsStatus.TIMEOUT, 0, "timeout");
        }

        @Override
        public DnsResult<MxRecord> mx(String name) {
            queries.add("MX " + name);
            return DnsResult.of(DnsStatus.NODATA, 10, "nodata");
        }

        @Override
        public DnsResult<String> ptr(InetAddress address) {
            queries.add("PTR " + address.getHostAddress());
            return DnsResult.ok(List.of("host.example.com"), 0);
        }
    }

    final AtomicLong now = new AtomicLong(1_000_000);
    final Scripted backend = new Scripted();
    final CachingDnsResolver cache = CachingDnsResolver.builder(backend).clock(now::get).build();

    @Test
    void positiveAnswerLivesForItsTtl() {
        assertThat(cache.txt("Example.COM").records()).containsExactly("v=spf1 -all");
        assertThat(cache.txt("example.com.").records()).containsExactly("v=spf1 -all");
        now.addAndGet(59_999);
        cache.txt("example.com");
        assertThat(backend.queries).containsExactly("TXT Example.COM");
        now.addAndGet(1);
        cache.txt("example.com");
        assertThat(backend.queries).hasSize(2);
    }

    @Test
    void nxdomainAndNodataAreCachedForTheNegativeTtl() {
        assertThat(cache.a("nx.example.com").status()).isEqualTo(DnsStatus.NXDOMAIN);
        assertThat(cache.mx("nx.example.com").status()).isEqualTo(DnsStatus.NODATA);
        now.addAndGet(9_000);
        cache.a("nx.example.com");
        cache.mx("nx.example.com");
        assertThat(backend.queries).containsExactly("A nx.example.com", "MX nx.example.com");
        now.addAndGet(1_000);
        cache.mx("nx.example.com");
        cache.a("nx.example.com");
        assertThat(backend.queries).containsExactly("A nx.example.com", "MX nx.example.com", "MX nx.example.com");
    }

    @Test
    void cachedTxtAnswersOnlyFromALiveEntryAndNeverQueries() {
        assertThat(cache.cachedTxt("example.com")).isNull();
        assertThat(backend.queries).isEmpty();
        DnsResult<String> answer = cache.txt("example.com");
        assertThat(cache.cachedTxt("EXAMPLE.com.")).isSameAs(answer);
        now.addAndGet(60_000);
        assertThat(cache.cachedTxt("example.com")).isNull();
        assertThat(backend.queries).containsExactly("TXT example.com");
        backend.txtAnswer = DnsResult.of(DnsStatus.SERVFAIL, 0, "servfail");
        cache.txt("fail.example.com");
        assertThat(cache.cachedTxt("fail.example.com")).isNull();
        assertThat(backend.cachedTxt("example.com")).as("a resolver without a cache").isNull();
    }

    @Test
    void temporaryFailuresAndZeroTtlAreNotCached() throws Exception {
        cache.aaaa("slow.example.com");
        cache.aaaa("slow.example.com");
        cache.ptr(InetAddress.getByName("192.0.2.1"));
        cache.ptr(InetAddress.getByName("192.0.2.1"));
        assertThat(backend.queries).hasSize(4);
    }

    @Test
    void ttlsAreClampedAndTheSizeIsBounded() {
        CachingDnsResolver small = CachingDnsResolver.builder(backend).clock(now::get).maxTtl(5).maxEntries(3).build();
        for (int i = 0; i < 10; i++) {
            small.txt("n" + i + ".example.com");
        }
        assertThat(small.size()).isLessThanOrEqualTo(3);
        backend.queries.clear();
        small.txt("n9.example.com");
        now.addAndGet(5_000);
        small.txt("n9.example.com");
        assertThat(backend.queries).containsExactly("TXT n9.example.com");
    }
}

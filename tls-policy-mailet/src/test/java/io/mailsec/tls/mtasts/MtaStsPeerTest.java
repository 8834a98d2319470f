package io.mailsec.tls.mtasts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.mailsec.core.dns.Dnsmasq;
import io.mailsec.core.dns.DnsResolver;
import io.mailsec.core.dns.DnsjavaResolver;
import io.mailsec.core.peers.PeerTools;

/**
 * RFC 8461 discovery, fetch, validation and caching against a real nginx and real dnsmasq
 * ({@link MtaStsPeers}), each decision cross-checked with Debian's postfix-mta-sts-resolver
 * ({@code mta-sts-query}, run with the same dnsmasq as its only resolver and the test CA as its
 * trust): the same mode and mx list when a policy is found, "none" when no policy is announced,
 * a fetch error whenever ours reports a failure (it has a single kind for all of them) — except
 * for a certificate naming the host only in its CN, which it accepts and RFC 8461 §3.3 does not. The
 * default server on 127.0.13.10 presents a certificate for another name, so a fetch without SNI
 * would fail every case.
 */
class MtaStsPeerTest {
    private static final Pattern QUERY = Pattern.compile("STSFetchResult\\.(\\w+)");
    private static MtaStsPeers env;
    private static DnsResolver now;
    private static DnsResolver later;

    @BeforeAll
    static void start() throws Exception {
        PeerTools.requireExecutable("mta-sts-query", "postfix-mta-sts-resolver");
        env = MtaStsPeers.start();
        now = DnsjavaResolver.create(List.of(MtaStsPeers.DNS), Duration.ofSeconds(3));
        later = DnsjavaResolver.create(List.of(MtaStsPeers.DNS_LATER), Duration.ofSeconds(3));
    }

    @AfterAll
    static void stop() {
        if (env != null) {
            env.close();
        }
    }

    private static MtaStsLookup.Builder lookup(DnsResolver dns, Path cacheDir) throws Exception {
        return MtaStsLookup.builder(dns, env.trust).cache(PolicyCache.in(cacheDir));
    }

    private static Path cacheDir() throws Exception {
        return Files.createTempDirectory(env.dir, "cache-");
    }

    private static String host(String domain) {
        return "mta-sts." + domain;
    }

    /** mta-sts-query's verdict on {@code domain}: {@code [kind, mode, mx...]}. */
    private static List<String> query(Dnsmasq dns, String domain, String knownId) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("env", "SSL_CERT_FILE=" + env.caFile, "mta-sts-query", domain));
        if (knownId != null) {
            cmd.add(knownId);
        }
        PeerTools.Result r = dns.run(null, cmd.toArray(String[]::new));
        Matcher kind = QUERY.matcher(r.out);
        assertThat(kind.find()).as("mta-sts-query output: %s", r).isTrue();
        List<String> verdict = new ArrayList<>(List.of(kind.group(1)));
        Matcher mode = Pattern.compile("'mode': '([^']*)'").matcher(r.out);
        if (mode.find()) {
            verdict.add(mode.group(1));
            Matcher mx = Pattern.compile("'mx': \\[([^\\]]*)\\]").matcher(r.out);
            assertThat(mx.find()).isTrue();
            for (String m : mx.group(1).split(",")) {
                if (!m.isBlank()) {
                    verdict.add(m.strip().replace("'", ""));
                }
            }
        }
        return verdict;
    }

    /** The same decision from mta-sts-query, asked the way {@code ours} was found. */
    private static void crossCheck(Dnsmasq dns, String domain, MtaStsResult ours) throws Exception {
        List<String> expected = new ArrayList<>();
        if (ours.source() == MtaStsResult.Source.FRESH) {
            expected.add("VALID");
            expected.add(ours.policy().orElseThrow().mode().word());
            expected.addAll(ours.policy().orElseThrow().mxPatterns());
        } else if (ours.source() == MtaStsResult.Source.NONE) {
            expected.add(ours.failure().isPresent() ? "FETCH_ERROR" : "NONE");
        } else {
            throw new IllegalArgumentException("cross-check fresh or none results: " + ours);
        }
        assertThat(query(dns, domain, null)).as("mta-sts-query %s vs ours %s", domain, ours).isEqualTo(expected);
    }

    private static MtaStsResult resolveFresh(String domain) throws Exception {
        return lookup(now, cacheDir()).build().resolve(domain);
    }

    private static void assertFailure(MtaStsResult r, StsFailureType type, String detail) {
        assertThat(r.source()).as("%s", r).isEqualTo(MtaStsResult.Source.NONE);
        assertThat(r.policy()).isEmpty();
        assertThat(r.failure()).as("%s", r).hasValueSatisfying(f -> {
            assertThat(f.type()).isEqualTo(type);
            assertThat(f.detail()).contains(detail);
        });
    }

    @Test
    void enforceMatchesListedMxAndOneLabelWildcardOnly() throws Exception {
        MtaStsResult r = resolveFresh("enforce.sts.test");
        assertThat(r.source()).isEqualTo(MtaStsResult.Source.FRESH);
        assertThat(r.failure()).isEmpty();
        MtaStsPolicy p = r.policy().orElseThrow();
        assertThat(p.mode()).isEqualTo(StsMode.ENFORCE);
        assertThat(p.id()).isEqualTo("enf1");
        assertThat(p.mxPatterns()).containsExactly("mail.enforce.sts.test", "*.relay.sts.test");
        assertThat(p.maxAgeSeconds()).isEqualTo(86400);
        assertThat(p.expiresAt()).isEqualTo(p.fetchedAt().plusSeconds(86400));
        assertThat(p.text()).isEqualTo(MtaStsPeers.ENFORCE);
        // RFC 8461 §4.1: exact names without case or trailing dot; "*." stands for exactly one label
        assertThat(p.permits("mail.enforce.sts.test")).isTrue();
        assertThat(p.permits("MAIL.Enforce.sts.TEST.")).isTrue();
        assertThat(p.permits("mx.enforce.sts.test")).isFalse();
        assertThat(p.permits("a.relay.sts.test")).isTrue();
        assertThat(p.permits("a.b.relay.sts.test")).isFalse();
        assertThat(p.permits("relay.sts.test")).isFalse();
        crossCheck(env.dns, "enforce.sts.test", r);
    }

    @Test
    void testingModeLfLinesUnknownKeyAndTxtExtension() throws Exception {
        MtaStsResult r = resolveFresh("testing.sts.test");
        MtaStsPolicy p = r.policy().orElseThrow();
        assertThat(p.mode()).isEqualTo(StsMode.TESTING);
        assertThat(p.mxPatterns()).containsExactly("mx.testing.sts.test");
        assertThat(p.maxAgeSeconds()).isEqualTo(604800);
        assertThat(p.permits("mx.evil.test")).as("not listed: reported under testing, not refused").isFalse();
        crossCheck(env.dns, "testing.sts.test", r);
    }

    @Test
    void modeNoneNeedsNoMx() throws Exception {
        MtaStsResult r = resolveFresh("none.sts.test");
        assertThat(r.source()).isEqualTo(MtaStsResult.Source.FRESH);
        assertThat(r.policy().orElseThrow().mode()).isEqualTo(StsMode.NONE);
        assertThat(r.policy().orElseThrow().mxPatterns()).isEmpty();
        crossCheck(env.dns, "none.sts.test", r);
    }

    @Test
    void chunkedResponse() throws Exception {
        MtaStsResult r = resolveFresh("chunked.sts.test");
        assertThat(r.policy().orElseThrow().mxPatterns()).containsExactly("mx.chunked.sts.test");
        crossCheck(env.dns, "chunked.sts.test", r);
    }

    @Test
    void unchangedTxtIdIsNotFetchedAgainAlsoAfterRestart() throws Exception {
        Path cache = cacheDir();
        long before = env.web.requests(host("enforce.sts.test"));
        MtaStsLookup first = lookup(now, cache).build();
        assertThat(first.resolve("enforce.sts.test").source()).isEqualTo(MtaStsResult.Source.FRESH);
        MtaStsResult again = first.resolve("enforce.sts.test");
        assertThat(again.source()).isEqualTo(MtaStsResult.Source.CACHE);
        assertThat(again.failure()).isEmpty();
        // a new lookup on the same directory: what James sees after a restart
        MtaStsResult restarted = lookup(now, cache).build().resolve("Enforce.STS.test.");
        assertThat(restarted.source()).isEqualTo(MtaStsResult.Source.CACHE);
        assertThat(restarted.policy().orElseThrow().mxPatterns()).containsExactly("mail.enforce.sts.test", "*.relay.sts.test");
        assertThat(restarted.policy().orElseThrow().fetchedAt()).isEqualTo(again.policy().orElseThrow().fetchedAt());
        assertThat(env.web.requests(host("enforce.sts.test"))).as("nginx access log lines").isEqualTo(before + 1);
        assertThat(cache.resolve("enforce.sts.test.json")).exists();
        assertThat(query(env.dns, "enforce.sts.test", "enf1")).containsExactly("NOT_CHANGED");
    }

    @Test
    void changedTxtIdFetchesTheNewPolicy() throws Exception {
        Path cache = cacheDir();
        MtaStsResult v1 = lookup(now, cache).build().resolve("idchange.sts.test");
        assertThat(v1.policy().orElseThrow().id()).isEqualTo("v1");
        assertThat(v1.policy().orElseThrow().mxPatterns()).containsExactly("mx1.idchange.sts.test");
        env.web.write(host("idchange.sts.test"), HttpsPolicyFetcher.PATH, MtaStsPeers.policy("testing", "mx2.idchange.sts.test"));
        MtaStsResult v2 = lookup(later, cache).build().resolve("idchange.sts.test");
        assertThat(v2.source()).isEqualTo(MtaStsResult.Source.FRESH);
        assertThat(v2.policy().orElseThrow().id()).isEqualTo("v2");
        assertThat(v2.policy().orElseThrow().mode()).isEqualTo(StsMode.TESTING);
        assertThat(v2.policy().orElseThrow().mxPatterns()).containsExactly("mx2.idchange.sts.test");
        assertThat(env.web.requests(host("idchange.sts.test"))).isEqualTo(2);
        assertThat(lookup(later, cache).build().resolve("idchange.sts.test").policy().orElseThrow().id()).as("cache replaced").isEqualTo("v2");
        crossCheck(env.dnsLater, "idchange.sts.test", v2);
        assertThat(query(env.dnsLater, "idchange.sts.test", "v1")).containsExactly("VALID", "testing", "mx2.idchange.sts.test");
    }

    @Test
    void failingRefreshKeepsTheUnexpiredCachedPolicy() throws Exception {
        Path cache = cacheDir();
        assertThat(lookup(now, cache).build().resolve("refresh.sts.test").source()).isEqualTo(MtaStsResult.Source.FRESH);
        // later: the TXT id changed and the policy host moved to an address where nothing listens
        MtaStsResult r = lookup(later, cache).build().resolve("refresh.sts.test");
        assertThat(r.source()).isEqualTo(MtaStsResult.Source.CACHE);
        assertThat(r.policy().orElseThrow().id()).isEqualTo("r1");
        assertThat(r.policy().orElseThrow().mxPatterns()).containsExactly("mx.refresh.sts.test");
        assertThat(r.failure()).hasValueSatisfying(f -> {
            assertThat(f.type()).isEqualTo(StsFailureType.FETCH_ERROR);
            assertThat(f.detail()).contains(MtaStsPeers.NOTHING, "refused");
        });
        assertThat(query(env.dnsLater, "refresh.sts.test", null)).containsExactly("FETCH_ERROR");
    }

    @Test
    void expiredCacheAndFailingFetchMeanNoPolicyWithTheFailure() throws Exception {
        Path cache = cacheDir();
        lookup(now, cache).build().resolve("refresh.sts.test");
        MtaStsResult r = lookup(later, cache).clock(Clock.offset(Clock.systemUTC(), Duration.ofDays(2))).build().resolve("refresh.sts.test");
        assertFailure(r, StsFailureType.FETCH_ERROR, MtaStsPeers.NOTHING);
        crossCheck(env.dnsLater, "refresh.sts.test", r);
    }

    @Test
    void cachedPolicyIsRefreshedAfterHalfItsMaxAgeThoughTheIdIsUnchanged() throws Exception {
        Path cache = cacheDir();
        long before = env.web.requests(host("testing.sts.test"));
        lookup(now, cache).build().resolve("testing.sts.test");
        // max_age 604800: the refresh interval (1 day) comes first
        MtaStsLookup in23h = lookup(now, cache).clock(Clock.offset(Clock.systemUTC(), Duration.ofHours(23))).build();
        assertThat(in23h.resolve("testing.sts.test").source()).isEqualTo(MtaStsResult.Source.CACHE);
        MtaStsLookup in25h = lookup(now, cache).clock(Clock.offset(Clock.systemUTC(), Duration.ofHours(25))).build();
        assertThat(in25h.resolve("testing.sts.test").source()).isEqualTo(MtaStsResult.Source.FRESH);
        assertThat(env.web.requests(host("testing.sts.test"))).isEqualTo(before + 2);
    }

    @Test
    void redirectIsNotFollowed() throws Exception {
        long target = env.web.requests(host("enforce.sts.test"));
        MtaStsResult r = resolveFresh("redirect.sts.test");
        assertFailure(r, StsFailureType.FETCH_ERROR, "HTTP 301");
        assertThat(r.failure().orElseThrow().detail()).contains("not followed", "https://mta-sts.enforce.sts.test/.well-known/mta-sts.txt");
        assertThat(env.web.requests(host("enforce.sts.test"))).as("redirect target never asked").isEqualTo(target);
        crossCheck(env.dns, "redirect.sts.test", r);
    }

    @Test
    void oversizedPolicyIsInvalid() throws Exception {
        MtaStsResult r = resolveFresh("big.sts.test");
        assertFailure(r, StsFailureType.POLICY_INVALID, "exceeds the limit of 65536 bytes");
        crossCheck(env.dns, "big.sts.test", r);
    }

    @Test
    void wrongContentTypeIsInvalid() throws Exception {
        MtaStsResult r = resolveFresh("html.sts.test");
        assertFailure(r, StsFailureType.POLICY_INVALID, "Content-Type 'text/html'");
        crossCheck(env.dns, "html.sts.test", r);
    }

    @Test
    void malformedPolicyIsInvalid() throws Exception {
        MtaStsResult r = resolveFresh("invalid.sts.test");
        assertFailure(r, StsFailureType.POLICY_INVALID, "mode 'strict'");
        crossCheck(env.dns, "invalid.sts.test", r);
    }

    @Test
    void statusOtherThan200IsAFetchError() throws Exception {
        MtaStsResult r = resolveFresh("missing.sts.test");
        assertFailure(r, StsFailureType.FETCH_ERROR, "HTTP 404");
        crossCheck(env.dns, "missing.sts.test", r);
    }

    @Test
    void txtRecordsNotStartingWithStsv1AreIgnored() throws Exception {
        MtaStsResult r = resolveFresh("notsts.sts.test");
        assertThat(r.source()).isEqualTo(MtaStsResult.Source.NONE);
        assertThat(r.failure()).isEmpty();
        assertThat(r.detail()).contains("begins with v=STSv1");
        assertThat(env.web.requests(host("notsts.sts.test"))).isZero();
        crossCheck(env.dns, "notsts.sts.test", r);
    }

    @Test
    void twoStsTxtRecordsMeanNoPolicy() throws Exception {
        MtaStsResult r = resolveFresh("twotxt.sts.test");
        assertThat(r.source()).isEqualTo(MtaStsResult.Source.NONE);
        assertThat(r.failure()).isEmpty();
        assertThat(r.detail()).contains("2 v=STSv1 TXT records");
        assertThat(env.web.requests(host("twotxt.sts.test"))).isZero();
        crossCheck(env.dns, "twotxt.sts.test", r);
    }

    @Test
    void certificateForAnotherNameIsWebPkiInvalid() throws Exception {
        MtaStsResult r = resolveFresh("wrongname.sts.test");
        assertFailure(r, StsFailureType.WEBPKI_INVALID, "mta-sts.wrongname.sts.test");
        assertThat(env.web.requests(host("wrongname.sts.test"))).as("no request over an unverified connection").isZero();
        crossCheck(env.dns, "wrongname.sts.test", r);
    }

    @Test
    void certificateNamingTheHostOnlyInItsCnIsWebPkiInvalid() throws Exception {
        // RFC 8461 §3.3: only DNS-IDs count; the JDK's HTTPS check alone would accept the CN
        MtaStsResult r = resolveFresh("cnonly.sts.test");
        assertFailure(r, StsFailureType.WEBPKI_INVALID, "no DNS-ID");
        assertThat(env.web.requests(host("cnonly.sts.test"))).isZero();
        // The one known difference: mta-sts-query leaves the name check to Python's ssl, which falls back to the CN.
        assertThat(query(env.dns, "cnonly.sts.test", null)).containsExactly("VALID", "enforce", "mx.valid.sts.test");
    }

    @Test
    void untrustedCaIsWebPkiInvalid() throws Exception {
        MtaStsResult r = resolveFresh("untrusted.sts.test");
        assertFailure(r, StsFailureType.WEBPKI_INVALID, "certification path");
        crossCheck(env.dns, "untrusted.sts.test", r);
    }

    @Test
    void policyHostDownIsAFetchError() throws Exception {
        MtaStsResult r = resolveFresh("down.sts.test");
        assertFailure(r, StsFailureType.FETCH_ERROR, "Connection refused");
        crossCheck(env.dns, "down.sts.test", r);
    }

    @Test
    void policyHostWithoutAddressIsAFetchError() throws Exception {
        MtaStsResult r = resolveFresh("nohost.sts.test");
        assertFailure(r, StsFailureType.FETCH_ERROR, "NXDOMAIN");
        crossCheck(env.dns, "nohost.sts.test", r);
    }

    @Test
    void serverTricklingBytesIsCutAtTheDeadline() throws Exception {
        MtaStsLookup l = lookup(now, cacheDir())
                .limits(new FetchLimits(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofMillis(1500), 64 * 1024)).build();
        long t0 = System.nanoTime();
        MtaStsResult r = l.resolve("slow.sts.test");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertFailure(r, StsFailureType.FETCH_ERROR, "deadline of 1500 ms");
        assertThat(ms).as("cut at the deadline although bytes keep coming").isBetween(1400L, 3000L);
    }

    @Test
    void overriddenDomainIsReportedAndNotLookedUp() throws Exception {
        StsOverrides o = StsOverrides.parse("test", List.of("overridden.sts.test  policy lists an MX the partner retired (ticket 17)"));
        MtaStsResult r = lookup(now, cacheDir()).overrides(o).build().resolve("overridden.sts.test");
        assertThat(r.source()).isEqualTo(MtaStsResult.Source.OVERRIDDEN);
        assertThat(r.policy()).isEmpty();
        assertThat(r.failure()).isEmpty();
        assertThat(r.detail()).contains("policy lists an MX the partner retired (ticket 17)");
        assertThat(env.web.requests(host("overridden.sts.test"))).isZero();
    }

    @Test
    void failedFetchIsNotRepeatedWithinTheRetryInterval() throws Exception {
        long before = env.web.requests(host("missing.sts.test"));
        MtaStsLookup l = lookup(now, cacheDir()).build();
        MtaStsResult first = l.resolve("missing.sts.test");
        MtaStsResult second = l.resolve("missing.sts.test");
        assertThat(second.failure().orElseThrow().type()).isEqualTo(StsFailureType.FETCH_ERROR);
        assertThat(second.failure().orElseThrow().detail()).startsWith(first.failure().orElseThrow().detail()).contains("next attempt after");
        assertThat(env.web.requests(host("missing.sts.test"))).isEqualTo(before + 1);
        MtaStsLookup eager = lookup(now, cacheDir()).fetchRetryInterval(Duration.ZERO).build();
        eager.resolve("missing.sts.test");
        eager.resolve("missing.sts.test");
        assertThat(env.web.requests(host("missing.sts.test"))).isEqualTo(before + 3);
    }

    @Test
    void concurrentLookupsOfOneDomainShareOneFetch() throws Exception {
        MtaStsLookup l = lookup(now, cacheDir()).build();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<MtaStsResult>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return l.resolve("shared.sts.test");
                }));
            }
            go.countDown();
            for (Future<MtaStsResult> f : results) {
                assertThat(f.get().policy().orElseThrow().mxPatterns()).containsExactly("mx.shared.sts.test");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(env.web.requests(host("shared.sts.test"))).isEqualTo(1);
    }
}

package io.mailsec.tls.mtasts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.SSLContext;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailsec.core.dns.DnsResolver;
import io.mailsec.core.dns.HostNames;

/**
 * The MTA-STS policy of a recipient domain (RFC 8461 §3–§5), for outbound delivery to apply:
 * <ol>
 * <li>a domain on the {@link StsOverrides} list: {@code overridden}, nothing looked up;</li>
 * <li>the {@code _mta-sts} TXT record ({@link StsDiscovery}); when it is missing, invalid or DNS
 *     fails, the cached unexpired policy applies if there is one (§3.1, §5.1), else none;</li>
 * <li>a cached unexpired policy with the same id is used as it is until its refresh time —
 *     {@code fetchedAt + min(refreshInterval, max_age / 2)} — so that a refresh failing for a while
 *     still leaves the cached policy in force (§5.1 proactive refresh; the suggested interval is a day);</li>
 * <li>otherwise (no cache, expired, new id, refresh due) the policy is fetched ({@link HttpsPolicyFetcher})
 *     and parsed ({@link StsPolicyParser}); a good one is cached and applies ({@code fresh}); on failure
 *     the cached unexpired policy applies ({@code cache}) and the failure is reported, or there is no
 *     policy ({@code none}) and the failure is reported.</li>
 * </ol>
 * After a failed fetch the same domain and id are not fetched again for {@code fetchRetryInterval}
 * (the RFC lets senders rate-limit fetches): a domain with a broken policy host costs one
 * fetch timeout per interval, not one per message. Lookups of one domain share a fetch in progress;
 * lookups of different domains run in parallel. Thread-safe.
 */
public final class MtaStsLookup {
    private static final Logger LOG = LoggerFactory.getLogger(MtaStsLookup.class);

    private final StsDiscovery discovery;
    private final HttpsPolicyFetcher fetcher;
    private final PolicyCache cache;
    private final StsOverrides overrides;
    private final Duration refreshInterval;
    private final Duration fetchRetryInterval;
    private final Clock clock;
    private final Map<String, CompletableFuture<Fetched>> inFlight = new ConcurrentHashMap<>();
    private final Map<String, Failed> recentFailures = new ConcurrentHashMap<>();

    private MtaStsLookup(Builder b) {
        this.discovery = new StsDiscovery(b.dns);
        this.fetcher = new HttpsPolicyFetcher(b.dns, b.tls, b.limits);
        this.cache = b.cache;
        this.overrides = b.overrides;
        this.refreshInterval = b.refreshInterval;
        this.fetchRetryInterval = b.fetchRetryInterval;
        this.clock = b.clock;
    }

    /**
     * @param dns resolves the TXT record and the policy host (the resolver delivery uses)
     * @param tls trust for the policy host's certificate: {@code SSLContext.getDefault()} in production
     */
    public static Builder builder(DnsResolver dns, SSLContext tls) {
        return new Builder(dns, tls);
    }

    /**
     * The policy that applies to mail for {@code domain} (ASCII, A-labels for IDNs; case and a
     * trailing dot do not matter). Never throws for DNS, network or policy problems: they are in
     * the result. May block for up to the fetch deadline when a policy has to be fetched.
     */
    public MtaStsResult resolve(String domain) {
        String d = StsOverrides.normalise(Objects.requireNonNull(domain, "domain"));
        if (!HostNames.isFqdn(d)) {
            return new MtaStsResult(d, MtaStsResult.Source.NONE, null, null, "'" + domain + "' is not a domain name");
        }
        Optional<String> overridden = overrides.reason(d);
        if (overridden.isPresent()) {
            return new MtaStsResult(d, MtaStsResult.Source.OVERRIDDEN, null, null, "policy ignored (override list): " + overridden.get());
        }
        Instant now = clock.instant();
        MtaStsPolicy cached = cache.get(d).filter(p -> !p.isExpiredAt(now)).orElse(null);
        StsDiscovery.Outcome txt = discovery.discover(d);
        if (txt.kind() != StsDiscovery.Outcome.Kind.FOUND) {
            if (cached != null) {
                return new MtaStsResult(d, MtaStsResult.Source.CACHE, cached, null,
                        txt.detail() + "; the cached policy id " + cached.id() + " applies until " + cached.expiresAt());
            }
            // A DNS failure may hide a policy: it is reported as a failed fetch, the RFC's nearest type.
            StsFailure failure = txt.kind() == StsDiscovery.Outcome.Kind.TEMPFAIL ? new StsFailure(StsFailureType.FETCH_ERROR, txt.detail()) : null;
            return new MtaStsResult(d, MtaStsResult.Source.NONE, null, failure, txt.detail());
        }
        String id = txt.id();
        if (cached != null && cached.id().equals(id) && now.isBefore(refreshAt(cached))) {
            return new MtaStsResult(d, MtaStsResult.Source.CACHE, cached, null, "cached policy id " + id + " (TXT id unchanged)");
        }
        Fetched fetched = fetchOnce(d, id, now);
        if (fetched.cached) {
            return new MtaStsResult(d, MtaStsResult.Source.CACHE, fetched.policy, null,
                    "cached policy id " + id + " (fetched by a concurrent lookup)");
        }
        if (fetched.policy != null) {
            return new MtaStsResult(d, MtaStsResult.Source.FRESH, fetched.policy, null,
                    "policy id " + id + " fetched from " + HttpsPolicyFetcher.policyUrl(d));
        }
        if (cached != null) {
            return new MtaStsResult(d, MtaStsResult.Source.CACHE, cached, fetched.failure, "fetching policy id " + id + " failed ("
                    + fetched.failure + "); the cached policy id " + cached.id() + " applies until " + cached.expiresAt());
        }
        return new MtaStsResult(d, MtaStsResult.Source.NONE, null, fetched.failure, "TXT announces policy id " + id
                + " but it could not be fetched and none is cached: " + fetched.failure);
    }

    private Instant refreshAt(MtaStsPolicy p) {
        Duration half = p.maxAge().dividedBy(2);
        return p.fetchedAt().plus(half.compareTo(refreshInterval) < 0 ? half : refreshInterval);
    }

    /**
     * Fetches unless a fetch of the same domain runs (its outcome is shared), one ended since this
     * lookup read the cache (its policy is used), or one failed lately (its failure is repeated).
     */
    private Fetched fetchOnce(String domain, String id, Instant now) {
        CompletableFuture<Fetched> mine = new CompletableFuture<>();
        CompletableFuture<Fetched> running = inFlight.putIfAbsent(domain, mine);
        if (running != null) {
            return running.join();
        }
        try {
            Fetched f = settledMeanwhile(domain, id, now);
            if (f == null) {
                f = fetch(domain, id);
            }
            mine.complete(f);
            return f;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(domain, mine);
        }
    }

    private Fetched settledMeanwhile(String domain, String id, Instant now) {
        // Another lookup's fetch may have ended between this lookup's cache read and taking the slot.
        Optional<MtaStsPolicy> stored = cache.get(domain)
                .filter(p -> p.id().equals(id) && !p.isExpiredAt(now) && now.isBefore(refreshAt(p)));
        if (stored.isPresent()) {
            return new Fetched(stored.get(), null, true);
        }
        Failed failed = recentFailures.get(domain);
        if (failed == null) {
            return null;
        }
        if (failed.id.equals(id) && now.isBefore(failed.retryAt)) {
            return new Fetched(null, new StsFailure(failed.failure.type(), failed.failure.detail() + " (at " + failed.at
                    + "; next attempt after " + failed.retryAt + ")"), false);
        }
        recentFailures.remove(domain, failed);
        return null;
    }

    private Fetched fetch(String domain, String id) {
        Instant at = clock.instant();
        try {
            MtaStsPolicy p = parse(domain, id, fetcher.fetch(domain), at);
            cache.put(p);
            recentFailures.remove(domain);
            LOG.info("event=mta-sts-policy-fetched domain={} id={} mode={} mx={} maxAge={}", domain, id, p.mode().word(),
                    String.join(",", p.mxPatterns()), p.maxAgeSeconds());
            return new Fetched(p, null, false);
        } catch (StsFetchException e) {
            StsFailure failure = e.failure();
            recentFailures.put(domain, new Failed(id, failure, at, at.plus(fetchRetryInterval)));
            Optional<MtaStsPolicy> previous = cache.get(domain).filter(p -> !p.isExpiredAt(at));
            // RFC 8461 §5.1: a failing refresh should reach the administrator, unless the cached mode is none.
            if (previous.isPresent() && previous.get().mode() != StsMode.NONE) {
                LOG.warn("event=mta-sts-refresh-failed domain={} id={} type={} detail=\"{}\" keeping=cached cachedId={} expiresAt={}", domain,
                        id, failure.type().resultType(), failure.detail(), previous.get().id(), previous.get().expiresAt());
            } else {
                LOG.info("event=mta-sts-fetch-failed domain={} id={} type={} detail=\"{}\"", domain, id, failure.type().resultType(),
                        failure.detail());
            }
            return new Fetched(null, failure, false);
        }
    }

    /** A parse failure says where the policy came from, as a fetch failure does. */
    private static MtaStsPolicy parse(String domain, String id, String body, Instant at) throws StsFetchException {
        try {
            return StsPolicyParser.parse(domain, id, body, at);
        } catch (StsFetchException e) {
            throw new StsFetchException(e.failure().type(), "policy at " + HttpsPolicyFetcher.policyUrl(domain) + ": " + e.failure().detail());
        }
    }

    private static final class Fetched {
        final MtaStsPolicy policy;
        final StsFailure failure;
        /** The policy another lookup fetched just before: this lookup found it in the cache. */
        final boolean cached;

        Fetched(MtaStsPolicy policy, StsFailure failure, boolean cached) {
            this.policy = policy;
            this.failure = failure;
            this.cached = cached;
        }
    }

    private static final class Failed {
        final String id;
        final StsFailure failure;
        final Instant at;
        final Instant retryAt;

        Failed(String id, StsFailure failure, Instant at, Instant retryAt) {
            this.id = id;
            this.failure = failure;
            this.at = at;
            this.retryAt = retryAt;
        }
    }

    /** Settings of a lookup; all but DNS and trust have defaults. */
    public static final class Builder {
        private final DnsResolver dns;
        private final SSLContext tls;
        private PolicyCache cache = PolicyCache.inMemory();
        private StsOverrides overrides = StsOverrides.none();
        private FetchLimits limits = FetchLimits.DEFAULTS;
        private Duration refreshInterval = Duration.ofDays(1);
        private Duration fetchRetryInterval = Duration.ofMinutes(5);
        private Clock clock = Clock.systemUTC();

        private Builder(DnsResolver dns, SSLContext tls) {
            this.dns = Objects.requireNonNull(dns, "dns");
            this.tls = Objects.requireNonNull(tls, "tls");
        }

        /** Where fetched policies are kept (default: memory only). */
        public Builder cache(PolicyCache cache) {
            this.cache = Objects.requireNonNull(cache, "cache");
            return this;
        }

        /** Domains whose policy is ignored (default: none). */
        public Builder overrides(StsOverrides overrides) {
            this.overrides = Objects.requireNonNull(overrides, "overrides");
            return this;
        }

        /** Time and size bounds of a fetch (default {@link FetchLimits#DEFAULTS}). */
        public Builder limits(FetchLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** How old a cached policy may get before it is fetched again although the TXT id is unchanged (default 1 day; at most half its max_age is used). */
        public Builder refreshInterval(Duration d) {
            this.refreshInterval = positive(d, "refreshInterval");
            return this;
        }

        /** How long a failed fetch is not repeated for the same domain and id (default 5 minutes). */
        public Builder fetchRetryInterval(Duration d) {
            Objects.requireNonNull(d, "fetchRetryInterval");
            if (d.isNegative()) {
                throw new IllegalArgumentException("fetchRetryInterval must not be negative: " + d);
            }
            this.fetchRetryInterval = d;
            return this;
        }

        /** The clock policies age by (default UTC system clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public MtaStsLookup build() {
            return new MtaStsLookup(this);
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + d);
            }
            return d;
        }
    }
}

package io.mailsec.tls.dane;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;

import io.mailsec.core.dns.AnswerCache;
import io.mailsec.core.dns.DnsResult;
import io.mailsec.core.dns.DnsStatus;
import io.mailsec.core.dns.MxRecord;
import io.mailsec.core.dns.dnssec.DnssecResolver;
import io.mailsec.core.dns.dnssec.DnssecResult;
import io.mailsec.core.dns.dnssec.DnssecStatus;
import io.mailsec.core.dns.dnssec.TlsaRdata;

/**
 * The DNS side of DANE for SMTP (RFC 7672 §2.2): the MX RRset with its DNSSEC status, then per MX
 * host its addresses and TLSA records, judged into a {@link DaneHost}. The A, AAAA and TLSA queries of
 * a host go out together (§2.2.2 lets the TLSA query be sent before the address answers are in;
 * its answer only counts when they are secure), so a cold decision costs one round trip after the
 * MX answer. Decisions are kept for the smallest TTL of their answers; failures are not kept.
 * Free of James types; thread-safe.
 */
public final class DaneLookup {
    private static final ExecutorService LOOKUPS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "mailsec-dane-lookup");
        t.setDaemon(true);
        return t;
    });

    private final DnssecResolver dns;
    private final int port;
    private final AnswerCache<DaneHost> decisions;

    public DaneLookup(DnssecResolver dns, int port) {
        this(dns, port, System::currentTimeMillis);
    }

    public DaneLookup(DnssecResolver dns, int port, LongSupplier clockMillis) {
        this.dns = Objects.requireNonNull(dns);
        this.port = port;
        this.decisions = new AnswerCache<>(0, 86_400, 10_000, clockMillis, h -> h.kind() != DaneHost.Kind.UNUSABLE,
                DaneHost::ttlSeconds);
    }

    /** The MX answer with its status: DANE needs a SECURE one (§2.2.1); BOGUS or INDETERMINATE means defer. */
    public DnssecResult<MxRecord> mx(String domain) {
        return dns.mx(domain);
    }

    /** What DANE says about {@code host}, an MX host of a domain whose MX RRset was secure (or the domain itself, §2.2.1). */
    public DaneHost host(String host) {
        return decisions.get("DANE " + port, host, () -> decide(host));
    }

    private DaneHost decide(String host) {
        CompletableFuture<DnssecResult<TlsaRdata>> tlsa = CompletableFuture.supplyAsync(() -> dns.tlsa(host, port), LOOKUPS);
        CompletableFuture<DnssecResult<InetAddress>> v6 = CompletableFuture.supplyAsync(() -> dns.aaaa(host), LOOKUPS);
        DnssecResult<InetAddress> v4 = dns.a(host);
        DnssecResult<InetAddress> addresses = DnssecResolver.bothFamilies(v4, v6.join());
        if (addresses.dnssec().isFailure()) {
            tlsa.cancel(false);
            return DaneHost.unusable(host, host, "the addresses of " + host + " are " + word(addresses.dnssec()) + ": "
                    + addresses.detail());
        }
        if (!addresses.isSecure()) {
            return DaneHost.noDane(host, addresses.dns(), "the addresses of " + host + " are not DNSSEC-signed", addresses.ttlSeconds());
        }
        if (!addresses.dns().isOk()) {
            return DaneHost.noDane(host, addresses.dns(), "no address for " + host + " (" + addresses.status() + ")", addresses.ttlSeconds());
        }
        // §2.2.2: a secure CNAME chain makes its target the first TLSA base domain, the MX host name the second.
        String canonical = addresses.canonicalName();
        boolean expanded = !canonical.isEmpty() && !ReferenceNames.normalise(canonical).equals(ReferenceNames.normalise(host));
        DnssecResult<TlsaRdata> found = expanded ? dns.tlsa(canonical, port) : tlsa.join();
        String base = expanded ? canonical : host;
        if (expanded && found.isSecure() && !found.dns().isOk() && !found.status().isTemporary()) {
            found = tlsa.join();
            base = host;
        }
        long ttl = Math.min(addresses.ttlSeconds(), found.ttlSeconds());
        String where = "_" + port + "._tcp." + base;
        if (found.dnssec().isFailure()) {
            return DaneHost.unusable(host, base, "the TLSA lookup of " + where + " is " + word(found.dnssec()) + " on a signed zone: "
                    + found.detail());
        }
        if (!found.isSecure()) {
            return DaneHost.noDane(host, addresses.dns(), "the TLSA records at " + where + " are not DNSSEC-signed", ttl);
        }
        if (!found.dns().isOk()) {
            return DaneHost.noDane(host, addresses.dns(), "no TLSA records at " + where + " (" + found.status() + ", DNSSEC-proven)",
                    found.status() == DnsStatus.NXDOMAIN || found.status() == DnsStatus.NODATA ? ttl : 0);
        }
        List<byte[]> wire = new ArrayList<>(found.records().size());
        for (TlsaRdata r : found.records()) {
            wire.add(r.wire());
        }
        ReferenceNames names = expanded ? ReferenceNames.of(host, canonical) : ReferenceNames.of(host);
        return DaneHost.dane(host, addresses.dns(), TlsaRecordSet.fromWire(wire), base, names, ttl);
    }

    private static String word(DnssecStatus s) {
        return s == DnssecStatus.BOGUS ? "bogus" : "indeterminate";
    }
}

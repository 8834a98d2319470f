package io.mailsec.core.dns.dnssec;

import java.io.IOException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.dnssec.ValidatingResolver;

import io.mailsec.core.dns.DnsjavaResolver;

/**
 * Makes the {@link DnssecResolver} of each {@link DnssecMode}. Servers are "host", "host:port" or
 * "[v6]:port" (port 53 by default; empty = the system resolvers), as everywhere in mailsec; the
 * timeout bounds a whole lookup, validation included.
 */
public final class DnssecResolvers {
    /** EDNS payload size advertised with DO: the DNS Flag Day 2020 value, below common path MTUs. */
    static final int EDNS_PAYLOAD = 1232;

    private DnssecResolvers() {
    }

    /**
     * The resolver of {@code mode}.
     *
     * @param trustAnchorFile required for {@link DnssecMode#VALIDATE}, ignored otherwise
     */
    public static DnssecResolver create(DnssecMode mode, List<String> servers, Duration timeout, Path trustAnchorFile) {
        switch (mode) {
            case VALIDATE:
                if (trustAnchorFile == null) {
                    throw new IllegalArgumentException("dnssec=validate needs a trust anchor file (DS or DNSKEY records)");
                }
                return validate(servers, timeout, TrustAnchors.read(trustAnchorFile));
            case TRUST_AD:
                return trustAd(servers, timeout);
            default:
                return off(servers, timeout);
        }
    }

    /**
     * {@code validate}: dnsjava's ValidatingResolver checks every answer from {@code anchors} down.
     * The servers must be recursive and pass DNSSEC records through (DO is set; CD too, so a
     * validating server hands over bogus data for the validator to judge instead of a bare SERVFAIL).
     */
    public static DnssecResolver validate(List<String> servers, Duration timeout, TrustAnchors anchors) {
        return validate(head(servers, timeout), describe(servers), timeout, anchors);
    }

    /** The same over any dnsjava resolver (tests put one that misbehaves there). */
    static DnssecResolver validate(Resolver servers, String description, Duration timeout, TrustAnchors anchors) {
        EdDsaProvider.ensure();
        Resolver upstream = new UpstreamFailures(servers, description);
        ValidatingResolver validator = new ValidatingResolver(upstream);
        try {
            validator.loadTrustAnchors(anchors.stream());
        } catch (IOException e) {
            throw new IllegalArgumentException("trust anchor file " + anchors.file() + ": " + e.getMessage(), e);
        }
        validator.setTimeout(timeout);
        return new DnsjavaDnssecResolver(DnssecMode.VALIDATE, validator, new ValidatorJudge(), timeout,
                description + ", validating from " + anchors.file().getFileName());
    }

    /**
     * {@code trust-ad}: the servers are validating resolvers whose AD bit is believed — on loopback
     * (or over a channel nobody can tamper with), as Postfix and Exim require.
     */
    public static DnssecResolver trustAd(List<String> servers, Duration timeout) {
        Resolver r = head(servers, timeout);
        r.setEDNS(0, EDNS_PAYLOAD, ExtendedFlags.DO, List.of());
        return new DnsjavaDnssecResolver(DnssecMode.TRUST_AD, r, new AdBitJudge(), timeout,
                describe(servers) + ", trusting its AD bit");
    }

    /** {@code off}: no DNSSEC; every answer INSECURE. */
    public static DnssecResolver off(List<String> servers, Duration timeout) {
        return new DnsjavaDnssecResolver(DnssecMode.OFF, head(servers, timeout), new NoDnssecJudge(), timeout,
                describe(servers));
    }

    private static Resolver head(List<String> servers, Duration timeout) {
        try {
            return DnsjavaResolver.dnsjavaResolver(servers, timeout);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("DNS server not resolvable: " + servers, e);
        }
    }

    private static String describe(List<String> servers) {
        return servers.isEmpty() ? "system resolvers" : String.join(",", servers);
    }
}

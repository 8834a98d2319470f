package io.mailsec.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import io.mailsec.core.dns.dnssec.CachingDnssecResolver;
import io.mailsec.core.dns.dnssec.DnssecMode;
import io.mailsec.core.dns.dnssec.DnssecResolver;
import io.mailsec.core.dns.dnssec.DnssecResolvers;
import io.mailsec.core.runtime.MailsecRuntime;

/**
 * {@code dnssec} ({@code validate}, {@code trust-ad}, {@code off}; default off) and
 * {@code dnssecTrustAnchor} (a file of DS or DNSKEY records, required with validate), read the same
 * way by every stage that will look up DANE records, together with {@link DnsParameters}'
 * {@code dnsServers} and {@code dnsTimeout}. Stages with the same four values share one caching
 * resolver, so validated keys and answers are fetched once per James.
 */
public final class DnssecParameters {
    public static final Set<String> NAMES = Set.of("dnssec", "dnssecTrustAnchor");
    private static final List<String> MODES = List.of("validate", "trust-ad", "off");

    private DnssecParameters() {
    }

    public static <E extends Exception> DnssecMode mode(Parameters<E> p) throws E {
        return DnssecMode.parse(p.oneOf("dnssec", "off", MODES));
    }

    /** The shared caching DNSSEC resolver these parameters name. */
    public static <E extends Exception> DnssecResolver resolver(Parameters<E> p, MailsecRuntime runtime) throws E {
        DnssecMode mode = mode(p);
        Path anchor = p.file("dnssecTrustAnchor");
        if (mode == DnssecMode.VALIDATE && anchor == null) {
            throw p.bad("dnssec", "validate", "validate together with dnssecTrustAnchor, a file of DS or DNSKEY records"
                    + " (the IANA root anchor: /usr/share/dns/root.ds from Debian's dns-root-data)");
        }
        Duration timeout = DnsParameters.timeout(p);
        String servers = p.string("dnsServers", "");
        List<String> list = runtime.dnsServers(servers);
        List<Object> key = List.of(mode, list, timeout, anchor == null || mode != DnssecMode.VALIDATE ? "" : anchor.toString());
        try {
            return runtime.shared(DnssecResolver.class, key,
                    () -> CachingDnssecResolver.of(DnssecResolvers.create(mode, list, timeout, anchor)));
        } catch (IllegalArgumentException e) {
            // a trust anchor file that does not parse names itself and its line; a server that does not resolve
            String name = e.getMessage() != null && e.getMessage().startsWith("trust anchor") ? "dnssecTrustAnchor" : "dnsServers";
            throw p.bad(name, p.string(name, ""), e.getMessage());
        }
    }
}

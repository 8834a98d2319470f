package io.mailsec.tls.james;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Set;

import javax.mail.MessagingException;

import io.mailsec.core.config.Parameters;
import io.mailsec.core.dns.DnsResolver;
import io.mailsec.core.james.JamesPaths;
import io.mailsec.tls.mtasts.FetchLimits;
import io.mailsec.tls.mtasts.MtaStsDestinationPolicy;
import io.mailsec.tls.mtasts.MtaStsLookup;
import io.mailsec.tls.mtasts.PolicyCache;
import io.mailsec.tls.mtasts.StsOverrides;
import io.mailsec.tls.outbound.CertificateChecker;
import io.mailsec.tls.outbound.DestinationPolicy;
import io.mailsec.tls.policy.PolicyParseException;

/** TlsPolicyDelivery's MTA-STS parameters (tls-policy-mailet/README.md, "MTA-STS"), turned into the lookup delivery asks. */
final class MtaStsParameters {
    static final Set<String> NAMES = Set.of("mtaSts", "mtaStsCache", "mtaStsOverrides", "mtaStsTrustStore", "mtaStsConnectTimeout",
            "mtaStsReadTimeout", "mtaStsFetchTimeout", "mtaStsMaxPolicySize", "mtaStsRefreshInterval", "mtaStsRetryInterval");
    static final String DEFAULT_CACHE = "var/mailsec/mta-sts";

    private MtaStsParameters() {
    }

    /** {@link DestinationPolicy#NONE} unless {@code mtaSts} is on; every bad value fails naming its parameter. */
    static DestinationPolicy open(Parameters<MessagingException> p, DnsResolver dns) throws MessagingException {
        if (!p.bool("mtaSts", false)) {
            return DestinationPolicy.NONE;
        }
        FetchLimits d = FetchLimits.DEFAULTS;
        long maxSize = p.size("mtaStsMaxPolicySize", d.maxPolicyBytes());
        if (maxSize < 1 || maxSize > 16 * 1024 * 1024) {
            throw p.bad("mtaStsMaxPolicySize", p.raw("mtaStsMaxPolicySize"), "a size from 1 to 16M");
        }
        FetchLimits limits = new FetchLimits(p.duration("mtaStsConnectTimeout", d.connectTimeout(), Duration.ofMillis(100)),
                p.duration("mtaStsReadTimeout", d.readTimeout(), Duration.ofMillis(100)),
                p.duration("mtaStsFetchTimeout", d.deadline(), Duration.ofMillis(100)), (int) maxSize);
        String cacheDir = p.string("mtaStsCache", DEFAULT_CACHE);
        Path cachePath = JamesPaths.resolve(cacheDir);
        PolicyCache cache;
        try {
            cache = PolicyCache.in(cachePath);
        } catch (IOException e) {
            throw p.bad("mtaStsCache", cacheDir, "a directory mailsec can create and write (" + cachePath + ": " + e.getMessage() + ")");
        }
        Path overridesFile = p.file("mtaStsOverrides");
        StsOverrides overrides;
        try {
            overrides = overridesFile == null ? StsOverrides.none() : StsOverrides.read(overridesFile);
        } catch (IOException | PolicyParseException e) {
            throw p.bad("mtaStsOverrides", p.raw("mtaStsOverrides"), "a file of 'domain reason' lines (" + e.getMessage() + ")");
        }
        Path trust = p.file("mtaStsTrustStore");
        CertificateChecker certificates;
        try {
            certificates = trust == null ? CertificateChecker.systemDefault() : CertificateChecker.fromFile(trust);
        } catch (IOException | GeneralSecurityException e) {
            throw p.bad("mtaStsTrustStore", p.raw("mtaStsTrustStore"), "a PEM file of CA certificates (" + trust + ": " + e.getMessage() + ")");
        }
        MtaStsLookup lookup = MtaStsLookup.builder(dns, certificates.verifyingContext()).cache(cache).overrides(overrides).limits(limits)
                .refreshInterval(p.duration("mtaStsRefreshInterval", Duration.ofDays(1), Duration.ofMinutes(1)))
                .fetchRetryInterval(p.duration("mtaStsRetryInterval", Duration.ofMinutes(5), Duration.ofSeconds(1))).build();
        return new MtaStsDestinationPolicy(lookup);
    }
}

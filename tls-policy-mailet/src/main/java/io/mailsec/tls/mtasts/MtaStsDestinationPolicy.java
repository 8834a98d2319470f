package io.mailsec.tls.mtasts;

import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailsec.tls.outbound.DestinationPolicy;
import io.mailsec.tls.outbound.TlsRequirement;
import io.mailsec.tls.tlsrpt.AppliedPolicy;

/**
 * A recipient domain's MTA-STS policy as a delivery requirement (RFC 8461 §5): {@code enforce} means
 * verify, on the MX hosts the policy names; {@code testing} and {@code none} leave the decision to the
 * administrator's list (testing's would-be failures are for TLS-RPT, RFC 8460).
 */
public final class MtaStsDestinationPolicy implements DestinationPolicy {
    private static final Logger LOG = LoggerFactory.getLogger(MtaStsDestinationPolicy.class);
    private final MtaStsLookup lookup;

    public MtaStsDestinationPolicy(MtaStsLookup lookup) {
        this.lookup = lookup;
    }

    @Override
    public Optional<TlsRequirement> requirement(String domain) {
        if (domain.startsWith("[")) {
            return Optional.empty(); // an address literal has no DNS name to publish a policy under
        }
        MtaStsResult r = lookup.resolve(domain);
        Optional<MtaStsPolicy> policy = r.policy();
        if (policy.isEmpty() || policy.get().mode() != StsMode.ENFORCE) {
            LOG.debug("event=mta-sts-not-enforced domain={} source={} detail=\"{}\"", domain, r.source(), r.detail());
            return Optional.empty();
        }
        MtaStsPolicy p = policy.get();
        return Optional.of(TlsRequirement.mtaSts("mta-sts id=" + p.id(), p::permits, "mx: " + String.join(", ", p.mxPatterns()),
                AppliedPolicy.sts(p)));
    }
}

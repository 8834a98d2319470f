package io.mailsec.core.dns.dnssec;

import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/**
 * {@code trust-ad}: a validating resolver did the work and says so with the AD bit (RFC 4035 §3.2.3).
 * The query carries AD (RFC 6840 §5.7: "I understand AD") and, through the resolver's EDNS, DO.
 *
 * <p>A validating resolver answers a bogus name with SERVFAIL, the same RCODE as any other failure.
 * When it adds an RFC 8914 Extended DNS Error naming a validation failure (unbound with
 * {@code ede: yes}, BIND 9.18+), the answer is {@link DnssecStatus#BOGUS}; a bare SERVFAIL is
 * {@link DnssecStatus#INDETERMINATE}, its detail saying it may be either. Delivery treats both alike
 * (not usable now), so the ambiguity changes only what the log says.
 */
final class AdBitJudge implements DnssecJudge {

    @Override
    public void prepare(Message query) {
        query.getHeader().setFlag(Flags.AD);
    }

    @Override
    public Judgement judge(Message response) {
        int rcode = response.getRcode();
        if (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN) {
            return Judgement.of(response.getHeader().getFlag(Flags.AD) ? DnssecStatus.SECURE : DnssecStatus.INSECURE);
        }
        ExtendedErrorCodeOption failure = ExtendedErrors.validationFailure(response);
        if (failure != null) {
            return new Judgement(DnssecStatus.BOGUS, "the validating resolver answered " + Rcode.string(rcode)
                    + " with " + ExtendedErrors.describe(failure));
        }
        String ede = ExtendedErrors.describeAll(response);
        return new Judgement(DnssecStatus.INDETERMINATE, "the validating resolver answered " + Rcode.string(rcode)
                + (rcode == Rcode.SERVFAIL ? " (a bogus answer or a failure: without an extended error it does not say which)" : "")
                + (ede.isEmpty() ? "" : " with " + ede));
    }
}

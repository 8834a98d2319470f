package io.mailsec.core.dns.dnssec;

import java.util.ArrayList;
import java.util.List;

import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * {@code validate}: reads what dnsjava's {@link ValidatingResolver} concluded. It sets AD on
 * answers it validated, leaves insecure ones without, and turns a bogus one into SERVFAIL with its
 * reason (a TXT record of class {@link ValidatingResolver#VALIDATION_REASON_QCLASS} and an Extended
 * DNS Error). A SERVFAIL that came from the upstream server never gets here: {@link UpstreamFailures}
 * turns it into an error first, so every SERVFAIL seen here is the validator's verdict.
 */
final class ValidatorJudge implements DnssecJudge {

    @Override
    public void prepare(Message query) {
        // ValidatingResolver sets DO and CD itself on what it sends upstream
    }

    @Override
    public Judgement judge(Message response) {
        int rcode = response.getRcode();
        if (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN) {
            return Judgement.of(response.getHeader().getFlag(Flags.AD) ? DnssecStatus.SECURE : DnssecStatus.INSECURE);
        }
        return new Judgement(DnssecStatus.BOGUS, reason(response));
    }

    private static String reason(Message response) {
        List<String> parts = new ArrayList<>();
        for (Record r : response.getSection(Section.ADDITIONAL)) {
            if (r.getType() == Type.TXT && r.getDClass() == ValidatingResolver.VALIDATION_REASON_QCLASS) {
                parts.add(String.join("", ((TXTRecord) r).getStrings()));
            }
        }
        if (parts.isEmpty()) {
            for (ExtendedErrorCodeOption e : ExtendedErrors.of(response)) {
                parts.add(ExtendedErrors.describe(e));
            }
        }
        return parts.isEmpty() ? "validation failed (" + Rcode.string(response.getRcode()) + ")" : String.join("; ", parts);
    }
}

package io.mailsec.core.dns.dnssec;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;

/** RFC 8914 Extended DNS Errors in a response: how a SERVFAIL can say that it is a validation failure. */
final class ExtendedErrors {
    /** 6 DNSSEC Bogus, 7 Signature Expired, 8 Signature Not Yet Valid, 9 DNSKEY Missing, 10 RRSIGs Missing, 11 No Zone Key Bit Set, 12 NSEC Missing. */
    private static final Set<Integer> VALIDATION_FAILURES = Set.of(
            ExtendedErrorCodeOption.DNSSEC_BOGUS, ExtendedErrorCodeOption.SIGNATURE_EXPIRED,
            ExtendedErrorCodeOption.SIGNATURE_NOT_YET_VALID, ExtendedErrorCodeOption.DNSKEY_MISSING,
            ExtendedErrorCodeOption.RRSIGS_MISSING, ExtendedErrorCodeOption.NO_ZONE_KEY_BIT_SET,
            ExtendedErrorCodeOption.NSEC_MISSING);

    private ExtendedErrors() {
    }

    static List<ExtendedErrorCodeOption> of(Message response) {
        List<ExtendedErrorCodeOption> out = new ArrayList<>();
        OPTRecord opt = response.getOPT();
        if (opt != null) {
            for (EDNSOption o : opt.getOptions(EDNSOption.Code.EDNS_EXTENDED_ERROR)) {
                if (o instanceof ExtendedErrorCodeOption) {
                    out.add((ExtendedErrorCodeOption) o);
                }
            }
        }
        return out;
    }

    /** The first error that says validation failed, or null. */
    static ExtendedErrorCodeOption validationFailure(Message response) {
        for (ExtendedErrorCodeOption e : of(response)) {
            if (VALIDATION_FAILURES.contains(e.getErrorCode())) {
                return e;
            }
        }
        return null;
    }

    /** "EDE 7 (SIGNATURE_EXPIRED): text" for a person. */
    static String describe(ExtendedErrorCodeOption e) {
        String text = e.getText();
        return "EDE " + e.getErrorCode() + " (" + ExtendedErrorCodeOption.text(e.getErrorCode()) + ")"
                + (text == null || text.isEmpty() ? "" : ": " + text);
    }

    /** Every error in the response, described, or "" when there is none. */
    static String describeAll(Message response) {
        List<String> parts = new ArrayList<>();
        for (ExtendedErrorCodeOption e : of(response)) {
            parts.add(describe(e));
        }
        return String.join("; ", parts);
    }
}

package io.mailsec.dmarc;

import io.mailsec.core.authres.AuthResult;

/**
 * The DMARC outcome for a message: the result, the policy the domain asked for (p, sp or np; null
 * without a usable record), the disposition the receiver applies (after pct sampling or t=y), the
 * reason, and the domains involved.
 */
public final class DmarcVerdict {
    private final DmarcResult result;
    private final DmarcPolicy policy;
    private final DmarcPolicy disposition;
    private final String reason;
    private final String fromDomain;
    private final String policyDomain;
    private final String orgDomain;
    private final boolean spfAligned;
    private final String dkimAlignedDomain;

    DmarcVerdict(DmarcResult result, DmarcPolicy policy, DmarcPolicy disposition, String reason, String fromDomain,
                 String policyDomain, String orgDomain, boolean spfAligned, String dkimAlignedDomain) {
        this.result = result;
        this.policy = policy;
        this.disposition = disposition;
        this.reason = reason;
        this.fromDomain = fromDomain;
        this.policyDomain = policyDomain;
        this.orgDomain = orgDomain;
        this.spfAligned = spfAligned;
        this.dkimAlignedDomain = dkimAlignedDomain;
    }

    static DmarcVerdict of(DmarcResult result, String reason, String fromDomain) {
        return new DmarcVerdict(result, null, DmarcPolicy.NONE, reason, fromDomain, null, null, false, null);
    }

    public DmarcResult result() {
        return result;
    }

    /** The requested policy (p, sp or np as applicable), or null when no record applied. */
    public DmarcPolicy policy() {
        return policy;
    }

    /** The policy word, "none" when there is none. */
    public String policyWord() {
        return policy == null ? "none" : policy.word();
    }

    /**
     * What the receiver does: none for pass, none and permerror; for fail the policy after pct
     * sampling or t=y; for temperror the evaluator's temperror disposition (none or quarantine).
     */
    public DmarcPolicy disposition() {
        return disposition;
    }

    public String reason() {
        return reason;
    }

    /** The RFC5322.From domain evaluated, or null when none could be extracted. */
    public String fromDomain() {
        return fromDomain;
    }

    /** The domain whose _dmarc record applied, or null. */
    public String policyDomain() {
        return policyDomain;
    }

    /** The organizational domain of the From domain, or null when not determined. */
    public String orgDomain() {
        return orgDomain;
    }

    public boolean spfAligned() {
        return spfAligned;
    }

    /** The d= of the first aligned passing DKIM signature, or null. */
    public String dkimAlignedDomain() {
        return dkimAlignedDomain;
    }

    /**
     * The dmarc resinfo for Authentication-Results (RFC 7489 §11.2): header.from, policy.dmarc, and a
     * reason unless it passed. A pass needs no explanation beyond the aligned spf/dkim resinfo in the
     * same header; every stored copy of the mail carries this field, so it stays short (the reason
     * is in the mailsec.dmarc.reason attribute and the log line).
     */
    public AuthResult authResult() {
        return AuthResult.of("dmarc", result.word())
                .reason(result == DmarcResult.PASS ? null : reason)
                .property("header.from", fromDomain == null ? "none" : fromDomain)
                .property("policy.dmarc", policyWord())
                .build();
    }

    @Override
    public String toString() {
        return "dmarc=" + result.word() + " policy=" + policyWord() + " disposition=" + disposition.word()
                + " from=" + fromDomain + " reason=\"" + reason + "\"";
    }
}

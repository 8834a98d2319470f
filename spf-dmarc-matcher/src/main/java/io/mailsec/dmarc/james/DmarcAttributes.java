package io.mailsec.dmarc.james;

/** Mail attribute names written by {@link DmarcCheck} (all values are Strings). */
public final class DmarcAttributes {
    private DmarcAttributes() {
    }

    /** pass, fail, none, temperror, permerror. */
    public static final String RESULT = "mailsec.dmarc.result";
    /** The policy the domain requested: none, quarantine, reject. */
    public static final String POLICY = "mailsec.dmarc.policy";
    /** What the pipeline should do: none, quarantine, reject (none unless the result is fail). */
    public static final String DISPOSITION = "mailsec.dmarc.disposition";
    /** A readable reason. */
    public static final String REASON = "mailsec.dmarc.reason";
    /** The RFC5322.From domain evaluated (absent when none could be extracted). */
    public static final String FROM_DOMAIN = "mailsec.dmarc.from";
    /** Set instead of a result when the check was skipped: "trusted-network" or "authenticated". */
    public static final String SKIPPED = "mailsec.dmarc.skipped";
}

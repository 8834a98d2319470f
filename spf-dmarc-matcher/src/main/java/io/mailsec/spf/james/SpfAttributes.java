package io.mailsec.spf.james;

/** Mail attribute names written by {@link SpfCheck} (all values are Strings). */
public final class SpfAttributes {
    private SpfAttributes() {
    }

    /** The MAIL FROM result word (pass, fail, softfail, neutral, none, temperror, permerror). */
    public static final String RESULT = "mailsec.spf.result";
    /** The explanation of a fail. */
    public static final String EXPLANATION = "mailsec.spf.explanation";
    /** The mechanism that decided the result. */
    public static final String MECHANISM = "mailsec.spf.mechanism";
    /** The domain SPF checked: the MAIL FROM domain, or the HELO name for the null sender (DMARC uses it). */
    public static final String DOMAIN = "mailsec.spf.domain";
    /** "mailfrom" or "helo": which identity {@link #RESULT} is about. */
    public static final String IDENTITY = "mailsec.spf.identity";
    /** The HELO identity result, when HELO checking is on. */
    public static final String HELO_RESULT = "mailsec.spf.helo.result";
    /** Set instead of a result when the check was skipped: "trusted-network", "authenticated" or "no-client-address". */
    public static final String SKIPPED = "mailsec.spf.skipped";
}

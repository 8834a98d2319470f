package io.mailsec.tls.mtasts;

/** The {@code mode} of an MTA-STS policy (RFC 8461 §3.2, §5). */
public enum StsMode {
    /** Deliver only to MX hosts the policy names, over TLS with a valid certificate. */
    ENFORCE("enforce"),
    /** Report failures (TLS-RPT) but deliver as without a policy. */
    TESTING("testing"),
    /** The domain has withdrawn its policy: behave as if there were none. */
    NONE("none");

    private final String word;

    StsMode(String word) {
        this.word = word;
    }

    /** The word as written in the policy file. */
    public String word() {
        return word;
    }

    /** The mode written as {@code word} (case-sensitive, as the RFC's ABNF), or null. */
    static StsMode fromWord(String word) {
        for (StsMode m : values()) {
            if (m.word.equals(word)) {
                return m;
            }
        }
        return null;
    }
}

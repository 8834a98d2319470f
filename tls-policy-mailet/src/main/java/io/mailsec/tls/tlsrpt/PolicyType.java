package io.mailsec.tls.tlsrpt;

import java.util.Optional;

/** The {@code policy-type} of a report's policy (RFC 8460 §4.4): what the sending MTA applied to the session. */
public enum PolicyType {
    /** An MTA-STS policy (RFC 8461). */
    STS("sts"),
    /** DANE TLSA records (RFC 7672). */
    TLSA("tlsa"),
    /** Neither: the sessions were made without a recipient-published policy. */
    NO_POLICY_FOUND("no-policy-found");

    private final String word;

    PolicyType(String word) {
        this.word = word;
    }

    public String word() {
        return word;
    }

    public static Optional<PolicyType> fromWord(String word) {
        for (PolicyType t : values()) {
            if (t.word.equals(word)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return word;
    }
}

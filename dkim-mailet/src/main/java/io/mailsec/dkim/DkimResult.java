package io.mailsec.dkim;

import java.util.Locale;
import java.util.Objects;

/**
 * The outcome for one DKIM-Signature: signing domain (d=), selector (s=), algorithm (a=), result
 * (RFC 8601 §2.7.1 word) and a reason a person can read. Extra facts: i=, whether l= limited the
 * body, whether the key is in testing mode (t=y) and the first characters of b= (header.b).
 */
public final class DkimResult {
    public enum Status {
        PASS, FAIL, NEUTRAL, NONE, TEMPERROR, PERMERROR;

        /** Lower-case RFC word. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Status of(String word) {
            return valueOf(word.trim().toUpperCase(Locale.ROOT));
        }
    }

    private final String domain;
    private final String selector;
    private final String algorithm;
    private final Status status;
    private final String reason;
    private final String identity;
    private final boolean bodyLengthLimited;
    private final boolean testing;
    private final String shortB;

    public DkimResult(String domain, String selector, String algorithm, Status status, String reason,
                      String identity, boolean bodyLengthLimited, boolean testing, String shortB) {
        this.domain = domain == null ? "" : domain;
        this.selector = selector == null ? "" : selector;
        this.algorithm = algorithm == null ? "" : algorithm;
        this.status = Objects.requireNonNull(status);
        this.reason = reason == null ? "" : reason;
        this.identity = identity;
        this.bodyLengthLimited = bodyLengthLimited;
        this.testing = testing;
        this.shortB = shortB;
    }

    public String domain() {
        return domain;
    }

    public String selector() {
        return selector;
    }

    public String algorithm() {
        return algorithm;
    }

    public Status status() {
        return status;
    }

    /** The lower-case result word: pass, fail, neutral, none, temperror, permerror. */
    public String result() {
        return status.word();
    }

    public String reason() {
        return reason;
    }

    public String identity() {
        return identity;
    }

    public boolean bodyLengthLimited() {
        return bodyLengthLimited;
    }

    public boolean testing() {
        return testing;
    }

    public String shortB() {
        return shortB;
    }

    @Override
    public String toString() {
        return "domain=" + domain + " selector=" + selector + " algorithm=" + algorithm + " result=" + result()
                + " reason=\"" + reason + "\"";
    }
}

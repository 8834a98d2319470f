package io.mailsec.spf;

import java.util.Objects;

/**
 * The outcome of one SPF check: result, the mechanism that decided it, the explanation
 * (for {@code fail}), a problem description (for errors) and the request facts needed for
 * the Received-SPF header (RFC 7208 §9.1).
 */
public final class SpfVerdict {
    private static final java.util.regex.Pattern DOT_ATOM = java.util.regex.Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+");
    private final SpfResult result;
    private final String identity;
    private final String domain;
    private final String sender;
    private final String clientIp;
    private final String helo;
    private final String mechanism;
    private final String explanation;
    private final String problem;

    SpfVerdict(SpfResult result, String identity, String domain, String sender, String clientIp, String helo,
               String mechanism, String explanation, String problem) {
        this.result = Objects.requireNonNull(result);
        this.identity = identity;
        this.domain = domain;
        this.sender = sender;
        this.clientIp = clientIp;
        this.helo = helo;
        this.mechanism = mechanism;
        this.explanation = explanation;
        this.problem = problem;
    }

    public SpfResult result() {
        return result;
    }

    /** "mailfrom" or "helo" (RFC 7208 §9.1 identity key). */
    public String identity() {
        return identity;
    }

    /** The domain that was checked (the MAIL FROM domain, or the HELO name). */
    public String domain() {
        return domain;
    }

    /** The sender checked: the MAIL FROM address, or postmaster@helo for the null sender and HELO checks. */
    public String sender() {
        return sender;
    }

    public String clientIp() {
        return clientIp;
    }

    public String helo() {
        return helo;
    }

    /** The mechanism or modifier text that decided the result ("-all", "include:x", "default"), or null. */
    public String mechanism() {
        return mechanism;
    }

    /** The explanation for a {@code fail} (exp= or the default), else null. */
    public String explanation() {
        return explanation;
    }

    /** What went wrong for temperror/permerror (and a reason for none), else null. */
    public String problem() {
        return problem;
    }

    /** A short human-readable comment for headers and logs. */
    public String comment(String receiver) {
        String who = receiver == null ? "" : receiver + ": ";
        String d = domain == null || domain.isEmpty() ? "(none)" : domain;
        switch (result) {
            case PASS:
                return who + "domain of " + sender + " designates " + clientIp + " as permitted sender";
            case FAIL:
                return who + "domain of " + sender + " does not designate " + clientIp + " as permitted sender";
            case SOFTFAIL:
                return who + "domain of transitioning " + sender + " does not designate " + clientIp + " as permitted sender";
            case NEUTRAL:
                return who + clientIp + " is neither permitted nor denied by domain of " + sender;
            case NONE:
                return who + d + " does not designate permitted sender hosts";
            case TEMPERROR:
                return who + "error in processing during lookup of " + d + (problem == null ? "" : ": " + problem);
            default:
                return who + "permanent error in processing domain of " + d + (problem == null ? "" : ": " + problem);
        }
    }

    /**
     * The value of a Received-SPF header (RFC 7208 §9.1), without the field name:
     * {@code pass (comment) client-ip=...; envelope-from="..."; helo=...; receiver=...; identity=mailfrom;}.
     */
    public String receivedSpf(String receiver) {
        StringBuilder sb = new StringBuilder(result.word());
        sb.append(" (").append(commentText(comment(receiver))).append(')');
        sb.append(" client-ip=").append(clientIp).append(';');
        if (sender != null) {
            sb.append(" envelope-from=").append(quoted(sender)).append(';');
        }
        if (helo != null && !helo.isEmpty()) {
            sb.append(" helo=").append(dotAtomOrQuoted(helo)).append(';');
        }
        if (receiver != null && !receiver.isEmpty()) {
            sb.append(" receiver=").append(dotAtomOrQuoted(receiver)).append(';');
        }
        if (mechanism != null) {
            sb.append(" mechanism=").append(quoted(mechanism)).append(';');
        }
        if (problem != null && (result == SpfResult.PERMERROR || result == SpfResult.TEMPERROR)) {
            sb.append(" problem=").append(quoted(problem)).append(';');
        }
        sb.append(" identity=").append(identity).append(';');
        return sb.toString();
    }

    private static String commentText(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(' || c == ')' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c < 0x20 || c > 0x7e ? '?' : c);
        }
        return sb.toString();
    }

    private static String dotAtomOrQuoted(String s) {
        return DOT_ATOM.matcher(s).matches() && !s.startsWith(".") && !s.endsWith(".") && !s.contains("..")
                ? s : quoted(s);
    }

    private static String quoted(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c < 0x20 || c > 0x7e ? '?' : c);
        }
        return sb.append('"').toString();
    }

    @Override
    public String toString() {
        return result.word() + (mechanism == null ? "" : " mechanism=" + mechanism)
                + (explanation == null ? "" : " explanation=\"" + explanation + "\"")
                + (problem == null ? "" : " problem=\"" + problem + "\"");
    }
}

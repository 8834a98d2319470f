package io.mailsec.tls.outbound;

/** Final word for one recipient after all MX hosts were tried. */
public final class RecipientOutcome {
    public enum Kind { DELIVERED, PERMANENT, TEMPORARY }

    private final String recipient;
    private final Kind kind;
    private final String status;
    private final String remote;
    private final String diagnostic;
    private final boolean tlsFailure;
    private final String step;
    private boolean tls;
    private String protocol;
    private boolean retriedOnly;

    RecipientOutcome(String recipient, Kind kind, String status, String remote, String diagnostic, boolean tlsFailure, String step) {
        this.recipient = recipient;
        this.kind = kind;
        this.status = status;
        this.remote = remote;
        this.diagnostic = diagnostic;
        this.tlsFailure = tlsFailure;
        this.step = step;
    }

    /** A final failure (used when combining the reasons of several attempts). */
    public static RecipientOutcome permanent(String recipient, String status, String remote, String diagnostic, boolean tlsFailure, String step) {
        return new RecipientOutcome(recipient, Kind.PERMANENT, status, remote, diagnostic, tlsFailure, step);
    }

    /** A temporary failure (as recorded for a retry). */
    public static RecipientOutcome temporary(String recipient, String status, String remote, String diagnostic, boolean tlsFailure, String step) {
        return new RecipientOutcome(recipient, Kind.TEMPORARY, status, remote, diagnostic, tlsFailure, step);
    }

    /** This outcome with the TLS facts of the session it came from (for the final tracking line). */
    public RecipientOutcome withTls(boolean used, String tlsProtocol) {
        RecipientOutcome o = new RecipientOutcome(recipient, kind, status, remote, diagnostic, tlsFailure, step);
        o.tls = used;
        o.protocol = tlsProtocol;
        return o;
    }

    /**
     * This TLS failure is never final at once, whatever {@code onTlsFailure} says: it came from what the
     * destination publishes (DANE), which the next lookup may find fixed.
     */
    RecipientOutcome retriedOnly() {
        RecipientOutcome o = withTls(tls, protocol);
        o.retriedOnly = true;
        return o;
    }

    /** Whether {@code onTlsFailure=bounce} may make this failure final at once. */
    public boolean mayBounceAtOnce() {
        return !retriedOnly;
    }

    /** Whether the session of this outcome used TLS. */
    public boolean tls() {
        return tls;
    }

    /** The TLS protocol of that session, or null. */
    public String protocol() {
        return protocol;
    }

    public String recipient() {
        return recipient;
    }

    public Kind kind() {
        return kind;
    }

    /** RFC 3463 status, e.g. 2.0.0, 5.7.10, 5.1.1, 4.4.1. */
    public String status() {
        return status;
    }

    /** Remote host that gave the answer ("mx.example [192.0.2.1]"), or null (DNS failures). */
    public String remote() {
        return remote;
    }

    /** Human-readable reason (the SMTP reply or the TLS problem). */
    public String diagnostic() {
        return diagnostic;
    }

    public boolean tlsFailure() {
        return tlsFailure;
    }

    /** Failing step word (connect, starttls, handshake, certificate, rcpt, ...). */
    public String step() {
        return step;
    }

    /** A copy whose failure is final (retries exhausted or bounce-at-once): 4.x.y becomes 5.x.y. */
    public RecipientOutcome asPermanent() {
        if (kind != Kind.TEMPORARY) {
            return this;
        }
        String s = status.startsWith("4") ? "5" + status.substring(1) : status;
        RecipientOutcome o = new RecipientOutcome(recipient, Kind.PERMANENT, s, remote, diagnostic, tlsFailure, step);
        o.tls = tls;
        o.protocol = protocol;
        return o;
    }

    @Override
    public String toString() {
        return recipient + " " + kind + " " + status + " " + diagnostic;
    }
}

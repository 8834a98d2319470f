package io.mailsec.tls.james;

import org.apache.mailet.AttributeName;

/** Mail attribute names of the TLS area ({@code mailsec.tls.*}). */
public final class MailsecTlsAttributes {
    /** Boolean: the message was received over TLS. */
    public static final AttributeName TLS_USED = AttributeName.of("mailsec.tls.used");
    /** String: negotiated protocol, e.g. TLSv1.3 (absent without TLS). */
    public static final AttributeName PROTOCOL = AttributeName.of("mailsec.tls.protocol");
    /** String: negotiated cipher suite, e.g. TLS_AES_256_GCM_SHA384 (absent without TLS). */
    public static final AttributeName CIPHER = AttributeName.of("mailsec.tls.cipher");
    /** String: inbound policy level applied to the session (none, may, encrypt, verify). */
    public static final AttributeName INBOUND_LEVEL = AttributeName.of("mailsec.tls.inbound.level");
    /** String: the inbound policy entry that decided the level. */
    public static final AttributeName INBOUND_ENTRY = AttributeName.of("mailsec.tls.inbound.entry");
    /** Integer: outbound delivery attempts made so far (on mail in the delivery queue). */
    /** The message was received with the REQUIRETLS MAIL FROM parameter (RFC 8689): Boolean true. */
    public static final AttributeName REQUIRE_TLS = AttributeName.of("mailsec.tls.requireTls");
    public static final AttributeName OUTBOUND_ATTEMPTS = AttributeName.of("mailsec.tls.outbound.attempts");
    /** Long: when the mail entered the delivery queue (epoch milliseconds); the queue lifetime counts from it. */
    public static final AttributeName OUTBOUND_QUEUED_AT = AttributeName.of("mailsec.tls.outbound.queuedAt");
    /** Long: not to be tried before this time (epoch milliseconds), whether or not the queue honours delays. */
    public static final AttributeName OUTBOUND_NEXT_ATTEMPT = AttributeName.of("mailsec.tls.outbound.nextAttempt");
    /** Long: when the mail was put back into the queue for its retry (epoch milliseconds). */
    public static final AttributeName OUTBOUND_REQUEUED_AT = AttributeName.of("mailsec.tls.outbound.requeuedAt");
    /** Boolean: the "delayed" DSN (RFC 3464 Action: delayed) went out for this mail. */
    public static final AttributeName OUTBOUND_DELAY_NOTIFIED = AttributeName.of("mailsec.tls.outbound.delayNotified");
    /**
     * Map: recipient to its first failure (a map of status, tlsFailure, step, remote, diagnostic), kept so
     * that the final DSN gives the reason that started the retries (e.g. TLS unavailable).
     */
    public static final AttributeName OUTBOUND_FIRST_FAILURE = AttributeName.of("mailsec.tls.outbound.firstFailure");

    private MailsecTlsAttributes() {
    }
}

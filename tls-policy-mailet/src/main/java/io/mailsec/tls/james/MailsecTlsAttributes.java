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
    /** Integer: outbound delivery attempts made so far (set on mail re-queued for retry). */
    public static final AttributeName OUTBOUND_ATTEMPT = AttributeName.of("mailsec.tls.outbound.attempt");
    /** String: first failure per recipient, kept for the final DSN (tab-separated lines). */
    public static final AttributeName OUTBOUND_FIRST_FAILURE = AttributeName.of("mailsec.tls.outbound.firstFailure");

    private MailsecTlsAttributes() {
    }
}

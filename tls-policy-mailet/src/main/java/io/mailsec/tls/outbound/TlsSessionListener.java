package io.mailsec.tls.outbound;

/**
 * Told once per new SMTP session in which TLS was at stake (any level but {@code none}, once the
 * server greeted and answered EHLO), how TLS went: what TLS-RPT counts (RFC 8460 §4.3). A reused
 * session negotiated nothing new and is not reported again. Called on delivery threads; must not
 * block or throw.
 */
public interface TlsSessionListener {
    TlsSessionListener NONE = outcome -> { };

    void session(TlsSessionOutcome outcome);
}

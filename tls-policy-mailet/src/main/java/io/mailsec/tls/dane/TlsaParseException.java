package io.mailsec.tls.dane;

/** A TLSA record that cannot be read at all (not three numbers and hex, or rdata shorter than 3 bytes). */
public final class TlsaParseException extends Exception {
    private static final long serialVersionUID = 1L;

    public TlsaParseException(String message) {
        super(message);
    }
}

package io.mailsec.dmarc;

/** A malformed DMARC record: evaluates to permerror. */
public final class DmarcSyntaxException extends Exception {
    public DmarcSyntaxException(String message) {
        super(message, null, false, false);
    }
}

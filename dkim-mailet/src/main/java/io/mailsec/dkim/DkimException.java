package io.mailsec.dkim;

/** A malformed DKIM-Signature, key record or key: becomes a permerror with this message as reason. */
public class DkimException extends Exception {
    public DkimException(String message) {
        super(message);
    }

    public DkimException(String message, Throwable cause) {
        super(message, cause);
    }
}

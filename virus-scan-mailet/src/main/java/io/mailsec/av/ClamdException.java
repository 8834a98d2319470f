package io.mailsec.av;

import java.io.IOException;

/** clamd could not be used: unreachable, timed out, closed the connection, or answered nonsense. */
public class ClamdException extends IOException {
    public ClamdException(String message) {
        super(message);
    }

    public ClamdException(String message, Throwable cause) {
        super(message, cause);
    }
}

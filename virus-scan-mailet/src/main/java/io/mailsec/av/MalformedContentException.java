package io.mailsec.av;

import java.io.IOException;

/**
 * A strict decoder (uuencode) gave up: the content cannot be seen the way a mail reader would see
 * it. That is the sender's problem and an "unscannable" verdict, not a scanner failure.
 */
public final class MalformedContentException extends IOException {
    private static final long serialVersionUID = 1L;

    public MalformedContentException(String message) {
        super(message);
    }
}

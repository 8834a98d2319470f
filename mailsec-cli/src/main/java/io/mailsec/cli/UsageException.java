package io.mailsec.cli;

/** Bad command-line usage: reported with exit code 2 and no stack trace. */
public final class UsageException extends Exception {
    public UsageException(String message) {
        super(message);
    }
}

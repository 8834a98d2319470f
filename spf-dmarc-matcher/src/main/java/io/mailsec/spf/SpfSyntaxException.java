package io.mailsec.spf;

/** A syntax error in an SPF record or macro string: evaluates to permerror (RFC 7208 §4.6). */
final class SpfSyntaxException extends Exception {
    SpfSyntaxException(String message) {
        super(message, null, false, false);
    }
}

package io.mailsec.dkim;

import java.io.OutputStream;
import java.security.MessageDigest;

/**
 * Streams a message body through a canonicalization (RFC 6376 §3.4.3 simple, §3.4.4 relaxed) into
 * a digest. Memory is bounded: only a count of pending empty lines and a few flags are kept, never
 * the body. A bare LF is treated as a line end (as if it were CRLF); a bare CR is content.
 * With a length limit ({@code l=}) only the first {@code limit} canonical bytes are hashed; the
 * total canonical length is still counted so a verifier can tell whether l= covered the body.
 */
public final class BodyHasher extends OutputStream {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] SP = {' '};

    private final boolean relaxed;
    private final MessageDigest digest;
    private final long limit;
    private long length;
    private long pendingEmptyLines;
    private boolean pendingCr;
    private boolean pendingSpace;
    private boolean lineHasContent;
    private boolean finished;
    private byte[] result;

    public BodyHasher(Canonicalization canonicalization, MessageDigest digest, long limit) {
        this.relaxed = canonicalization == Canonicalization.RELAXED;
        this.digest = digest;
        this.limit = limit;
    }

    public BodyHasher(Canonicalization canonicalization, MessageDigest digest) {
        this(canonicalization, digest, -1);
    }

    @Override
    public void write(int b) {
        byte[] one = {(byte) b};
        write(one, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        final int end = off + len;
        int i = off;
        while (i < end) {
            byte c = b[i];
            if (pendingCr) {
                pendingCr = false;
                if (c == '\n') {
                    endOfLine();
                    i++;
                    continue;
                }
                content(new byte[] {'\r'}, 0, 1);
            }
            if (c == '\r') {
                pendingCr = true;
                i++;
            } else if (c == '\n') {
                endOfLine();
                i++;
            } else if (relaxed && (c == ' ' || c == '\t')) {
                pendingSpace = true;
                i++;
            } else {
                int j = i + 1;
                if (relaxed) {
                    while (j < end) {
                        byte d = b[j];
                        if (d == '\r' || d == '\n' || d == ' ' || d == '\t') {
                            break;
                        }
                        j++;
                    }
                } else {
                    while (j < end) {
                        byte d = b[j];
                        if (d == '\r' || d == '\n') {
                            break;
                        }
                        j++;
                    }
                }
                content(b, i, j - i);
                i = j;
            }
        }
    }

    private void content(byte[] b, int off, int len) {
        if (pendingEmptyLines > 0) {
            for (long k = 0; k < pendingEmptyLines; k++) {
                emit(CRLF, 0, 2);
            }
            pendingEmptyLines = 0;
        }
        if (pendingSpace) {
            if (lineHasContent) {
                emit(SP, 0, 1);
            } else {
                // relaxed: WSP at the start of a line is reduced to one SP, not removed
                emit(SP, 0, 1);
            }
            pendingSpace = false;
        }
        emit(b, off, len);
        lineHasContent = true;
    }

    private void endOfLine() {
        pendingSpace = false;
        if (lineHasContent) {
            emit(CRLF, 0, 2);
            lineHasContent = false;
        } else {
            pendingEmptyLines++;
        }
    }

    private void emit(byte[] b, int off, int len) {
        if (limit >= 0 && length < limit) {
            long room = limit - length;
            digest.update(b, off, (int) Math.min(room, len));
        } else if (limit < 0) {
            digest.update(b, off, len);
        }
        length += len;
    }

    /** Ends the body (adds the final CRLF rules) and returns the digest. Idempotent. */
    public byte[] finish() {
        if (!finished) {
            finished = true;
            if (pendingCr) {
                pendingCr = false;
                content(new byte[] {'\r'}, 0, 1);
            }
            if (lineHasContent) {
                // a non-empty last line without CRLF gets one (both algorithms)
                emit(CRLF, 0, 2);
                lineHasContent = false;
            }
            if (!relaxed && length == 0) {
                // simple: an empty body is a single CRLF
                emit(CRLF, 0, 2);
            }
            result = digest.digest();
        }
        return result.clone();
    }

    /** Canonical body length (all of it, not only what l= covered). Valid after {@link #finish()}. */
    public long canonicalLength() {
        return length;
    }

    @Override
    public void close() {
        finish();
    }
}

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
    private final byte[] stage = new byte[8192];
    private int staged;
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
        write(new byte[] {(byte) b}, 0, 1);
    }

    private static final byte CONTENT = 0;
    private static final byte WSP = 1;
    private static final byte CR = 2;
    private static final byte LF = 3;
    private static final byte[] SIMPLE_CLASS = new byte[256];
    private static final byte[] RELAXED_CLASS = new byte[256];
    private static final byte[] CR_BYTE = {'\r'};
    private static final java.lang.invoke.VarHandle LONG =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    static {
        SIMPLE_CLASS['\r'] = CR;
        SIMPLE_CLASS['\n'] = LF;
        RELAXED_CLASS['\r'] = CR;
        RELAXED_CLASS['\n'] = LF;
        RELAXED_CLASS[' '] = WSP;
        RELAXED_CLASS['\t'] = WSP;
    }

    /**
     * One pass over the chunk. Input bytes whose canonical form is themselves go to the digest as
     * spans (one update per span, not per word); a span is cut only where the output differs from the
     * input: collapsed or trailing whitespace, deferred empty lines, bare LF or CR.
     */
    @Override
    public void write(byte[] b, int off, int len) {
        final int end = off + len;
        final byte[] cls = relaxed ? RELAXED_CLASS : SIMPLE_CLASS;
        boolean cr = pendingCr;
        boolean space = pendingSpace;
        boolean content = lineHasContent;
        long empty = pendingEmptyLines;
        int crAt = -2;
        int singleSpaceAt = -2;
        int span = -1;
        for (int i = off; i < end; i++) {
            byte k = cls[b[i] & 0xff];
            if (cr && k != LF) {
                // the previous CR was bare: it is line content (no span is open after a CR)
                cr = false;
                empty = flushEmpty(empty);
                if (space) {
                    emit(SP, 0, 1);
                    space = false;
                }
                emit(CR_BYTE, 0, 1);
                content = true;
            }
            if (k == CONTENT) {
                if (space || empty > 0) {
                    if (span >= 0) {
                        emit(b, span, i - span);
                        span = -1;
                    }
                    empty = flushEmpty(empty);
                    if (space) {
                        space = false;
                        if (singleSpaceAt == i - 1) {
                            span = i - 1; // the single input SP is the canonical SP
                        } else {
                            emit(SP, 0, 1);
                        }
                    }
                }
                if (span < 0) {
                    span = i;
                }
                content = true;
                // the rest of the run of ordinary bytes needs no decision: skip over it in a tight loop
                i = scan(b, i + 1, end, cls, relaxed) - 1;
            } else if (k == WSP) {
                if (span >= 0) {
                    emit(b, span, i - span);
                    span = -1;
                }
                if (space) {
                    singleSpaceAt = -2;
                } else {
                    space = true;
                    singleSpaceAt = b[i] == ' ' ? i : -2;
                }
            } else if (k == CR) {
                if (span >= 0) {
                    emit(b, span, i - span);
                    span = -1;
                }
                cr = true;
                crAt = i;
            } else {
                if (span >= 0) {
                    emit(b, span, i - span);
                    span = -1;
                }
                boolean crlfHere = cr && crAt == i - 1;
                cr = false;
                space = false;
                if (content) {
                    if (crlfHere) {
                        span = i - 1; // the input CRLF is the canonical line end
                    } else {
                        emit(CRLF, 0, 2);
                    }
                    content = false;
                } else {
                    empty++;
                }
            }
        }
        if (span >= 0) {
            emit(b, span, end - span);
        }
        pendingCr = cr;
        pendingSpace = space;
        lineHasContent = content;
        pendingEmptyLines = empty;
    }

    /**
     * From {@code j}, skips bytes that are already canonical inside a content run: ordinary bytes,
     * a single SP between two ordinary bytes, and CRLF between two ordinary bytes (the line had
     * content, the next starts with content: nothing to defer). Returns the first index to decide on.
     */
    private static int scan(byte[] b, int j, int end, byte[] cls, boolean relaxed) {
        while (j < end) {
            if (j + 8 <= end) {
                // 8 bytes at a time. "stop" marks bytes that need a decision: below 0x0E (TAB, LF, CR)
                // and, for relaxed, the first space of two adjacent ones. Only the lowest mark is used,
                // which the borrow in the subtraction trick cannot fake.
                long x = (long) LONG.get(b, j);
                long stop = (x - 0x0E0E0E0E0E0E0E0EL) & ~x & 0x8080808080808080L;
                long spaces = 0;
                if (relaxed) {
                    long v = x ^ 0x2020202020202020L;
                    spaces = ~(((v & 0x7F7F7F7F7F7F7F7FL) + 0x7F7F7F7F7F7F7F7FL) | v | 0x7F7F7F7F7F7F7F7FL);
                    stop |= spaces & (spaces >>> 8);
                }
                if (stop == 0) {
                    // a space in the last byte may precede WSP or a line end: leave it to the next word
                    j += spaces < 0 ? 7 : 8;
                    continue;
                }
                // everything before the first marked byte is canonical, except a space right before it
                int skip = Long.numberOfTrailingZeros(stop) >>> 3;
                if (skip > 0 && ((spaces >>> ((skip << 3) - 1)) & 1) != 0) {
                    skip--;
                }
                j += skip;
            }
            byte c = b[j];
            if (cls[c & 0xff] == CONTENT) {
                j++;
            } else if (c == ' ' && j + 1 < end && cls[b[j + 1] & 0xff] == CONTENT) {
                j += 2;
            } else if (c == '\r' && j + 2 < end && b[j + 1] == '\n' && cls[b[j + 2] & 0xff] == CONTENT) {
                j += 3;
            } else {
                return j;
            }
        }
        return j;
    }

    private long flushEmpty(long empty) {
        for (long k = 0; k < empty; k++) {
            emit(CRLF, 0, 2);
        }
        return 0;
    }

    /** Content at the end of the body (a trailing bare CR). */
    private void content(byte[] b, int off, int len) {
        pendingEmptyLines = flushEmpty(pendingEmptyLines);
        if (pendingSpace) {
            emit(SP, 0, 1);
            pendingSpace = false;
        }
        emit(b, off, len);
        lineHasContent = true;
    }

    /** Canonical output: staged in a small buffer so short spans do not each cost a digest call. */
    private void emit(byte[] b, int off, int len) {
        int n = len;
        if (limit >= 0) {
            n = (int) Math.max(0, Math.min(len, limit - length));
        }
        length += len;
        if (n == 0) {
            return;
        }
        if (n > 1024) {
            flushStage();
            digest.update(b, off, n);
            return;
        }
        if (staged + n > stage.length) {
            flushStage();
        }
        System.arraycopy(b, off, stage, staged, n);
        staged += n;
    }

    private void flushStage() {
        if (staged > 0) {
            digest.update(stage, 0, staged);
            staged = 0;
        }
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
            flushStage();
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

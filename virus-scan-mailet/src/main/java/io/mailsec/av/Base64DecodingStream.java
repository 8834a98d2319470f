package io.mailsec.av;

import java.io.IOException;
import java.io.InputStream;

/**
 * Streaming, lenient base64 decoder for MIME bodies (RFC 2045 §6.8): characters outside the
 * alphabet (line breaks, white space, junk) are skipped, "=" ends the current quantum (so
 * concatenated base64 blocks decode too), a trailing partial quantum is decoded as far as it goes.
 * Never throws on malformed input: a scanner must see the bytes a lenient mail reader would.
 * Decodes a block at a time with a lookup table (several times faster than a per-byte decoder).
 */
final class Base64DecodingStream extends InputStream {
    private static final byte[] TABLE = new byte[256];
    private static final byte SKIP = -1;
    private static final byte PAD = -2;

    static {
        java.util.Arrays.fill(TABLE, SKIP);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < alphabet.length(); i++) {
            TABLE[alphabet.charAt(i)] = (byte) i;
        }
        TABLE['='] = PAD;
    }

    private final InputStream in;
    private final byte[] inBuf = new byte[16 * 1024];
    private final byte[] out = new byte[inBuf.length / 4 * 3 + 6];
    private int outPos;
    private int outLen;
    private int acc;
    private int count;
    private boolean eof;

    Base64DecodingStream(InputStream in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        if (outPos >= outLen && !fill()) {
            return -1;
        }
        return out[outPos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (outPos >= outLen && !fill()) {
            return -1;
        }
        int n = Math.min(len, outLen - outPos);
        System.arraycopy(out, outPos, b, off, n);
        outPos += n;
        return n;
    }

    /** Decodes the next block; false at the end. */
    private boolean fill() throws IOException {
        outPos = 0;
        outLen = 0;
        while (outLen == 0) {
            if (eof) {
                return false;
            }
            int n = in.read(inBuf, 0, inBuf.length);
            if (n < 0) {
                eof = true;
                flushQuantum();
                return outLen > 0;
            }
            int o = 0;
            int a = acc;
            int c = count;
            for (int i = 0; i < n; i++) {
                int v = TABLE[inBuf[i] & 0xff];
                if (v >= 0) {
                    a = (a << 6) | v;
                    if (++c == 4) {
                        out[o++] = (byte) (a >> 16);
                        out[o++] = (byte) (a >> 8);
                        out[o++] = (byte) a;
                        a = 0;
                        c = 0;
                    }
                } else if (v == PAD && c > 0) {
                    outLen = o;
                    acc = a;
                    count = c;
                    flushQuantum();
                    o = outLen;
                    a = 0;
                    c = 0;
                }
            }
            acc = a;
            count = c;
            outLen = o;
        }
        return true;
    }

    /** Emits what a partial quantum holds (2 chars → 1 byte, 3 chars → 2 bytes) and resets it. */
    private void flushQuantum() {
        if (count == 2) {
            out[outLen++] = (byte) (acc >> 4);
        } else if (count == 3) {
            out[outLen++] = (byte) (acc >> 10);
            out[outLen++] = (byte) (acc >> 2);
        }
        acc = 0;
        count = 0;
    }

    @Override
    public int available() throws IOException {
        return outLen - outPos;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}

package io.mailsec.tls.outbound;

import java.io.OutputStream;

/** A sink that remembers whether anything written was outside 7-bit data (RFC 6152: octets above 127, or NUL). */
final class EightBitDetector extends OutputStream {
    private boolean found;

    @Override
    public void write(int b) {
        found |= (b & 0x80) != 0 || (b & 0xff) == 0;
    }

    @Override
    public void write(byte[] buf, int off, int len) {
        for (int i = off; i < off + len && !found; i++) {
            found = buf[i] < 0 || buf[i] == 0;
        }
    }

    boolean found() {
        return found;
    }
}

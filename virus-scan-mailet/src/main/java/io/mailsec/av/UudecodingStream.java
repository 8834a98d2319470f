package io.mailsec.av;

import java.io.IOException;
import java.io.InputStream;

/**
 * Streaming uudecoder for x-uuencode bodies: skips to the "begin" line, decodes the length-prefixed
 * lines, stops at the zero-length line or "end". Unlike base64 there is no lenient reading of a
 * broken uuencoding (the length characters decide what the bytes are), so a missing "begin" or "end",
 * or a line shorter than its length says, is a {@link MalformedContentException}, as with JavaMail.
 */
final class UudecodingStream extends InputStream {
    /** Longest line looked at; uuencoders write 61. The rest of a longer line is ignored. */
    private static final int MAX_LINE = 1024;

    private final InputStream in;
    private final byte[] inBuf = new byte[8 * 1024];
    private int inPos;
    private int inLen;
    private final byte[] line = new byte[MAX_LINE];
    private int lineLen;
    private final byte[] out = new byte[64];
    private int outPos;
    private int outLen;
    private boolean begun;
    private boolean ended;

    UudecodingStream(InputStream in) {
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
        int n = 0;
        while (n < len) {
            if (outPos >= outLen && !fill()) {
                break;
            }
            int k = Math.min(len - n, outLen - outPos);
            System.arraycopy(out, outPos, b, off + n, k);
            outPos += k;
            n += k;
        }
        return n == 0 ? -1 : n;
    }

    /** Decodes the next data line; false at the end. */
    private boolean fill() throws IOException {
        outPos = 0;
        outLen = 0;
        while (!ended) {
            if (!readLine()) {
                throw new MalformedContentException(begun ? "no \"end\" line" : "no \"begin\" line");
            }
            if (!begun) {
                begun = lineLen >= 6 && startsWith("begin ");
                continue;
            }
            if (lineLen == 0) {
                continue;
            }
            if (lineLen == 3 && startsWith("end")) {
                ended = true;
                break;
            }
            if (line[0] < ' ') {
                throw new MalformedContentException("line without a length character");
            }
            int count = (line[0] - ' ') & 0x3f;
            if (count == 0) {
                ended = true; // the "end" line should follow; nothing more is content
                break;
            }
            if (lineLen < 1 + (count * 4 + 2) / 3) {
                throw new MalformedContentException("line shorter than its length character says");
            }
            for (int i = 1; outLen < count; i += 4) {
                int a = sextet(i);
                int b = sextet(i + 1);
                int c = sextet(i + 2);
                int d = sextet(i + 3);
                out[outLen++] = (byte) (a << 2 | b >> 4);
                if (outLen < count) {
                    out[outLen++] = (byte) (b << 4 | c >> 2);
                }
                if (outLen < count) {
                    out[outLen++] = (byte) (c << 6 | d);
                }
            }
            return true;
        }
        return false;
    }

    /** Encoders that drop the padding of the last group leave it short: missing chars count as 0. */
    private int sextet(int i) {
        return i < lineLen ? (line[i] - ' ') & 0x3f : 0;
    }

    private boolean startsWith(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (line[i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Next line without its CRLF/LF (at most MAX_LINE bytes kept); false at EOF with nothing read. */
    private boolean readLine() throws IOException {
        lineLen = 0;
        boolean any = false;
        while (true) {
            if (inPos >= inLen) {
                inLen = in.read(inBuf, 0, inBuf.length);
                inPos = 0;
                if (inLen < 0) {
                    inLen = 0;
                    return any;
                }
            }
            any = true;
            byte b = inBuf[inPos++];
            if (b == '\n') {
                if (lineLen > 0 && line[lineLen - 1] == '\r') {
                    lineLen--;
                }
                return true;
            }
            if (lineLen < MAX_LINE) {
                line[lineLen++] = b;
            }
        }
    }
}

package io.mailsec.av;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.SplittableRandom;

/**
 * A multipart message with one base64 attachment of {@code size} pseudo-random bytes, produced on
 * the fly: the message never exists in memory, so heap measurements see only the scanner's own use.
 * An optional hook runs once {@code triggerAt} attachment bytes have been produced.
 */
public final class GeneratedMessage extends InputStream {
    private final byte[] head;
    private final byte[] tail;
    private final long size;
    private final SplittableRandom random = new SplittableRandom(42);
    private final byte[] raw = new byte[57];
    private final long triggerAt;
    private final Runnable trigger;
    private final long delayNanosPerLine;
    private byte[] current;
    private int pos;
    private long produced;
    private int stage;

    public GeneratedMessage(long size) {
        this(size, -1, null, 0);
    }

    public GeneratedMessage(long size, long triggerAt, Runnable trigger, long delayNanosPerLine) {
        this.size = size;
        this.triggerAt = triggerAt;
        this.trigger = trigger;
        this.delayNanosPerLine = delayNanosPerLine;
        this.head = Mime.message("large attachment").multipart("mixed", "gen")
            .text("gen", "A large file is attached.")
            .line("--gen").line("Content-Type: application/octet-stream; name=\"large.bin\"")
            .line("Content-Transfer-Encoding: base64")
            .line("Content-Disposition: attachment; filename=\"large.bin\"").line("")
            .string().getBytes(StandardCharsets.US_ASCII);
        this.tail = "--gen--\r\n".getBytes(StandardCharsets.US_ASCII);
        this.current = head;
    }

    /** Total bytes of the encoded message. */
    public long encodedLength() {
        long lines = (size + 56) / 57;
        return head.length + size / 57 * 78 + (size % 57 == 0 ? 0 : ((size % 57 + 2) / 3 * 4 + 2)) + tail.length;
    }

    private boolean advance() {
        if (stage == 0) {
            stage = 1;
        }
        if (stage == 1) {
            if (produced >= size) {
                stage = 2;
                current = tail;
                pos = 0;
                return true;
            }
            int n = (int) Math.min(57, size - produced);
            for (int i = 0; i < n; i++) {
                raw[i] = (byte) random.nextInt(256);
            }
            long before = produced;
            produced += n;
            if (trigger != null && before < triggerAt && produced >= triggerAt) {
                trigger.run();
            }
            if (delayNanosPerLine > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(delayNanosPerLine);
            }
            byte[] enc = Base64.getEncoder().encode(n == 57 ? raw : java.util.Arrays.copyOf(raw, n));
            current = new byte[enc.length + 2];
            System.arraycopy(enc, 0, current, 0, enc.length);
            current[enc.length] = '\r';
            current[enc.length + 1] = '\n';
            pos = 0;
            return true;
        }
        return false;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        while (pos >= current.length) {
            if (!advance()) {
                return -1;
            }
        }
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current, pos, b, off, n);
        pos += n;
        return n;
    }
}

package io.mailsec.bench.av;

import io.mailsec.av.PartRef;
import io.mailsec.av.PartSink;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads every part's decoded content the way ClamdClient does (into a reused 64 KiB chunk) and
 * throws it away.
 */
final class NullSink implements PartSink {
    private final byte[] chunk;
    long decodedBytes;
    int parts;

    NullSink(byte[] chunk) {
        this.chunk = chunk;
    }

    @Override
    public void content(PartRef part, InputStream content, String pastLimit) throws IOException {
        parts++;
        int n;
        while ((n = content.read(chunk, 0, chunk.length)) >= 0) {
            decodedBytes += n;
        }
    }

    @Override
    public void unscannable(PartRef part, String reason) {
        parts++;
    }
}

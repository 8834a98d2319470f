package io.mailsec.bench.av;

import io.mailsec.av.Mime4jWalkerCandidate;
import io.mailsec.av.MessageScanner;
import io.mailsec.av.MimeWalker;
import io.mailsec.av.PartRef;
import io.mailsec.av.PartSink;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/** The walks compared, by name, with the scanner's limits; and a check that they see the same parts. */
final class Walkers {
    interface Walk {
        void walk(InputStream raw, PartSink sink) throws IOException;
    }

    private Walkers() {
    }

    static Map<String, Walk> all() {
        int nesting = MessageScanner.DEFAULT_MAX_NESTING_DEPTH;
        int multipart = MessageScanner.DEFAULT_MAX_MULTIPART_DEPTH;
        MimeWalker hand = new MimeWalker(nesting, multipart);
        Mime4jWalkerCandidate pure = new Mime4jWalkerCandidate(nesting, multipart, Mime4jWalkerCandidate.Base64.MIME4J);
        Mime4jWalkerCandidate ours = new Mime4jWalkerCandidate(nesting, multipart, Mime4jWalkerCandidate.Base64.OURS);
        Map<String, Walk> m = new LinkedHashMap<>();
        m.put("handWritten", hand::walk);
        m.put("mime4j", pure::walk);
        m.put("mime4jOurBase64", ours::walk);
        return m;
    }

    /** Fails unless every walk reports the same parts with the same decoded bytes: else the figures compare different work. */
    static void assertSameParts(byte[] message) throws IOException {
        List<String> expected = null;
        for (Map.Entry<String, Walk> w : all().entrySet()) {
            List<String> seen = new ArrayList<>();
            w.getValue().walk(new ByteArrayInputStream(message), new PartSink() {
                @Override
                public void content(PartRef part, InputStream content, String pastLimit) throws IOException {
                    CRC32 crc = new CRC32();
                    byte[] b = new byte[8192];
                    long size = 0;
                    int n;
                    while ((n = content.read(b)) >= 0) {
                        crc.update(b, 0, n);
                        size += n;
                    }
                    seen.add(part.position() + " " + part.name() + " " + part.contentType() + " " + size + " " + crc.getValue());
                }

                @Override
                public void unscannable(PartRef part, String reason) {
                    seen.add(part.position() + " unscannable " + reason);
                }
            });
            if (expected == null) {
                expected = seen;
            } else if (!expected.equals(seen)) {
                throw new IllegalStateException(w.getKey() + " saw " + seen + ", handWritten saw " + expected);
            }
        }
    }
}

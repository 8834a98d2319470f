package io.mailsec.dkim;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * A message written as a stream: the header block goes to {@link #onHeaders}, the body to the stream
 * it returns. Signing and verifying sessions differ only in what they do with the two.
 */
abstract class MessageStream extends OutputStream {
    private final MessageSink sink = new MessageSink(this::onHeaders);

    /** The complete header block; returns where the body goes. */
    protected abstract OutputStream onHeaders(List<HeaderField> fields) throws IOException;

    @Override
    public void write(int b) throws IOException {
        sink.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        sink.write(b, off, len);
    }

    public void copy(InputStream in) throws IOException {
        sink.copy(in);
    }

    @Override
    public void close() throws IOException {
        sink.close();
    }

    /** One body, several hashers: one pass over the body for all canonicalizations in use. */
    static OutputStream toAll(List<BodyHasher> hashers) {
        return hashers.size() == 1 ? hashers.get(0) : new FanOut(hashers);
    }

    private static final class FanOut extends OutputStream {
        private final List<BodyHasher> targets;

        FanOut(List<BodyHasher> targets) {
            this.targets = targets;
        }

        @Override
        public void write(int b) {
            for (BodyHasher t : targets) {
                t.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            for (BodyHasher t : targets) {
                t.write(b, off, len);
            }
        }

        @Override
        public void close() {
            for (BodyHasher t : targets) {
                t.finish();
            }
        }
    }
}

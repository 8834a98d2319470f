package io.mailsec.av;

import java.io.IOException;
import java.io.InputStream;

/**
 * Receives the parts of a MIME walk in message order. The walker owns the streams: it skips whatever
 * the sink leaves unread, so a sink may stop early (e.g. at a stream limit).
 */
public interface PartSink {
    /**
     * One part's content, transfer-decoded. {@code pastLimit} is null for an ordinary part; otherwise
     * the part lies beyond a walk limit and {@code content} is what could not be walked, sent whole so
     * that a virus in it can still be named, with this reason why it is not a complete scan.
     * A {@link MalformedContentException} while reading means the content cannot be decoded; the
     * walker then reports the part {@link #unscannable}.
     */
    void content(PartRef part, InputStream content, String pastLimit) throws IOException;

    /** A part that cannot be scanned at all (fragment, undecodable, too many parts). */
    void unscannable(PartRef part, String reason);
}

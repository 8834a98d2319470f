package io.mailsec.tls.tlsrpt;

import java.io.Closeable;
import java.io.IOException;
import java.time.LocalDate;
import java.util.SortedSet;
import java.util.function.Consumer;

/**
 * Where session outcomes are kept until their day is reported. The embedded implementation is
 * {@link FileTlsRptStore} (one append-only file per UTC day); a store shared by several James nodes
 * implements the same four operations, so the recorder and the report builder do not change.
 * Implementations are safe for concurrent use.
 */
public interface TlsRptStore extends Closeable {
    /** Keeps one session's outcome under its UTC day. When this returns, a restart of the JVM no longer loses it. */
    void append(SessionRecord record) throws IOException;

    /**
     * Hands every record of {@code day} to {@code sink}, in the order appended.
     *
     * @return how many stored entries could not be read and were skipped (a line torn by a crash)
     */
    long read(LocalDate day, Consumer<SessionRecord> sink) throws IOException;

    /** The days that have records. */
    SortedSet<LocalDate> days() throws IOException;

    /** Forgets every day before {@code firstKept}; returns how many days were removed. */
    int purgeBefore(LocalDate firstKept) throws IOException;
}

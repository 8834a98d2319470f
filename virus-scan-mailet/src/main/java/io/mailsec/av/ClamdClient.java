package io.mailsec.av;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * clamd client: PING, VERSION and INSTREAM (chunked) over TCP or a Unix socket, with connect and
 * I/O timeouts, a stream length limit and a small pool of connections.
 *
 * <p><b>Pool.</b> clamd closes a plain connection after one command, so reusing sockets needs
 * clamd's {@code IDSESSION}: the pool keeps up to {@code poolSize} sessions and at most
 * {@code poolSize} scans run at once (more callers wait; this also keeps us under clamd's
 * {@code MaxThreads}). A session idle longer than {@code probeAfterIdle} is checked with PING
 * before use, and one idle longer than {@code maxIdle} (keep it below clamd's {@code IdleTimeout},
 * default 30 s) is dropped; every pooled session is checked for a peer close with a non-blocking
 * one-byte read (microseconds), so a restarted clamd costs no failed scan. Any reply other than OK /
 * FOUND, any I/O error or timeout discards the connection. With {@code sessions=false} each
 * command opens a fresh connection (the semaphore still bounds concurrency).
 *
 * <p><b>Stream limit.</b> clamd refuses streams longer than its {@code StreamMaxLength} (default
 * 25 MB) with "INSTREAM size limit exceeded. ERROR" and closes the socket. We send at most
 * {@code streamMaxLength} bytes; if the data is longer we end the stream there and report
 * {@link ClamdReply.Status#TOO_LARGE} unless clamd found something in the prefix. clamd's own refusal
 * (when its limit is lower than ours) maps to TOO_LARGE too. Never "clean" for an incomplete scan.
 *
 * <p>Thread safe. Free of James types.
 */
public final class ClamdClient implements Closeable {
    private final ClamdEndpoint endpoint;
    private final int connectTimeoutMillis;
    private final int ioTimeoutMillis;
    private final int poolSize;
    private final long streamMaxLength;
    private final int chunkSize;
    private final boolean sessions;
    private final long maxIdleMillis;
    private final long probeAfterIdleMillis;
    private final Semaphore permits;
    private final Deque<ClamdConnection> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    private ClamdClient(Builder b) {
        this.endpoint = b.endpoint;
        this.connectTimeoutMillis = b.connectTimeoutMillis;
        this.ioTimeoutMillis = b.ioTimeoutMillis;
        this.poolSize = b.poolSize;
        this.streamMaxLength = b.streamMaxLength;
        this.chunkSize = b.chunkSize;
        this.sessions = b.sessions;
        this.maxIdleMillis = b.maxIdleMillis;
        this.probeAfterIdleMillis = b.probeAfterIdleMillis;
        this.permits = new Semaphore(poolSize, true);
    }

    public static Builder builder(ClamdEndpoint endpoint) {
        return new Builder(endpoint);
    }

    public ClamdEndpoint endpoint() {
        return endpoint;
    }

    public long streamMaxLength() {
        return streamMaxLength;
    }

    public int poolSize() {
        return poolSize;
    }

    /** Number of pooled idle sessions (for tests and metrics). */
    public int idleConnections() {
        return idle.size();
    }

    /** PING; returns "PONG". */
    public String ping() throws ClamdException {
        return simple("PING");
    }

    /** VERSION, e.g. "ClamAV 1.4.6/27000/Sun Nov 22 08:00:00 2026" (custom databases: "ClamAV 1.4.6"). */
    public String version() throws ClamdException {
        return simple("VERSION");
    }

    private String simple(String command) throws ClamdException {
        ClamdConnection c = acquire();
        boolean reusable = false;
        try {
            int id = c.command(command);
            c.flush();
            String reply = c.readReply(id);
            reusable = true;
            return reply;
        } catch (ClamdException e) {
            throw e;
        } catch (IOException e) {
            throw new ClamdException("clamd " + endpoint + " " + command + " failed: " + e.getMessage(), e);
        } finally {
            release(c, reusable);
        }
    }

    /**
     * Streams {@code data} to clamd with INSTREAM and returns the verdict. Reads at most
     * {@code streamMaxLength + 1} bytes of {@code data}; the caller drains or closes it.
     *
     * @throws ClamdException clamd unreachable, timed out or broke the conversation
     * @throws IOException reading {@code data} failed (the source, not clamd)
     */
    public ClamdReply scan(InputStream data) throws IOException {
        ClamdConnection c = acquire();
        boolean reusable = false;
        try {
            int id;
            byte[] buf = c.chunkBuffer(4 + chunkSize);
            long total = 0;
            boolean truncated = false;
            IOException writeFailure = null;
            try {
                id = c.command("INSTREAM");
            } catch (IOException e) {
                throw new ClamdException("clamd " + endpoint + " INSTREAM failed: " + e.getMessage(), e);
            }
            try {
                while (true) {
                    int max = chunkSize;
                    if (streamMaxLength > 0) {
                        max = (int) Math.min(chunkSize, streamMaxLength - total);
                    }
                    if (max == 0) {
                        truncated = data.read() >= 0;
                        break;
                    }
                    int n = readUpTo(data, buf, 4, max);
                    if (n <= 0) {
                        break;
                    }
                    putInt(buf, n);
                    c.write(buf, 0, 4 + n);
                    total += n;
                }
                putInt(buf, 0);
                c.write(buf, 0, 4);
                c.flush();
            } catch (SourceException e) {
                throw e.getCause();
            } catch (IOException e) {
                writeFailure = e; // clamd may have refused the stream and closed: read its reply anyway
            }
            String reply;
            try {
                reply = c.readReply(id);
            } catch (IOException e) {
                if (c.timedOut()) {
                    throw new ClamdException("clamd " + endpoint + " timed out after " + ioTimeoutMillis + " ms", e);
                }
                if (writeFailure != null) {
                    throw new ClamdException("clamd " + endpoint + " connection lost while sending: " + writeFailure.getMessage(), writeFailure);
                }
                throw e instanceof ClamdException ? (ClamdException) e
                    : new ClamdException("clamd " + endpoint + " connection lost: " + e.getMessage(), e);
            }
            ClamdReply r = ClamdReply.parse(reply, total, truncated);
            reusable = writeFailure == null && (r.status() == ClamdReply.Status.OK || r.status() == ClamdReply.Status.FOUND)
                && !truncated;
            return r;
        } finally {
            release(c, reusable);
        }
    }

    /** Reads until {@code max} bytes or EOF; wraps source errors so they are not blamed on clamd. */
    private static int readUpTo(InputStream in, byte[] buf, int off, int max) throws SourceException {
        int n = 0;
        try {
            while (n < max) {
                int r = in.read(buf, off + n, max - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
        } catch (IOException e) {
            throw new SourceException(e);
        }
        return n;
    }

    private static void putInt(byte[] b, int v) {
        b[0] = (byte) (v >>> 24);
        b[1] = (byte) (v >>> 16);
        b[2] = (byte) (v >>> 8);
        b[3] = (byte) v;
    }

    private ClamdConnection acquire() throws ClamdException {
        if (closed) {
            throw new ClamdException("clamd client closed");
        }
        try {
            if (!permits.tryAcquire(connectTimeoutMillis + (long) ioTimeoutMillis, TimeUnit.MILLISECONDS)) {
                throw new ClamdException("clamd " + endpoint + ": no free connection (pool of " + poolSize + " busy)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClamdException("interrupted while waiting for a clamd connection");
        }
        try {
            ClamdConnection c;
            while ((c = idle.pollFirst()) != null) {
                long age = System.currentTimeMillis() - c.lastUsed();
                if (c.isClosed() || age > maxIdleMillis || c.isStale()) {
                    c.closeQuietly();
                    continue;
                }
                if (age > probeAfterIdleMillis && !probe(c)) {
                    continue;
                }
                return c;
            }
            c = ClamdConnection.open(endpoint, connectTimeoutMillis, ioTimeoutMillis);
            if (sessions) {
                try {
                    c.startSession();
                } catch (IOException e) {
                    c.closeQuietly();
                    throw new ClamdException("clamd " + endpoint + " IDSESSION failed: " + e.getMessage(), e);
                }
            }
            return c;
        } catch (ClamdException | RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    private boolean probe(ClamdConnection c) {
        try {
            int id = c.command("PING");
            c.flush();
            if ("PONG".equals(c.readReply(id))) {
                return true;
            }
        } catch (IOException e) {
            // stale session: drop it
        }
        c.closeQuietly();
        return false;
    }

    private void release(ClamdConnection c, boolean reusable) {
        try {
            if (reusable && sessions && !closed && !c.isClosed()) {
                idle.offerFirst(c);
            } else {
                c.closeQuietly();
            }
        } finally {
            permits.release();
        }
    }

    @Override
    public void close() {
        closed = true;
        ClamdConnection c;
        while ((c = idle.pollFirst()) != null) {
            try {
                c.write("zEND\0");
                c.flush();
            } catch (IOException ignored) {
                // closing anyway
            }
            c.closeQuietly();
        }
    }

    /** A read error of the data being scanned (not clamd's fault). */
    private static final class SourceException extends IOException {
        SourceException(IOException cause) {
            super(cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }

    /** Validating builder; every value has a default. */
    public static final class Builder {
        private final ClamdEndpoint endpoint;
        private int connectTimeoutMillis = 2_000;
        private int ioTimeoutMillis = 60_000;
        private int poolSize = 8;
        private long streamMaxLength = 25L * 1024 * 1024;
        private int chunkSize = 64 * 1024;
        private boolean sessions = true;
        private long maxIdleMillis = 20_000;
        private long probeAfterIdleMillis = 10_000;

        private Builder(ClamdEndpoint endpoint) {
            this.endpoint = java.util.Objects.requireNonNull(endpoint);
        }

        public Builder connectTimeoutMillis(int v) {
            this.connectTimeoutMillis = positive("connectTimeout", v);
            return this;
        }

        public Builder ioTimeoutMillis(int v) {
            this.ioTimeoutMillis = positive("readTimeout", v);
            return this;
        }

        public Builder poolSize(int v) {
            this.poolSize = positive("poolSize", v);
            return this;
        }

        /** Longest stream sent to clamd; keep it at or below clamd's StreamMaxLength. 0 = no limit of ours. */
        public Builder streamMaxLength(long v) {
            if (v < 0) {
                throw new IllegalArgumentException("streamMaxLength must be >= 0: " + v);
            }
            this.streamMaxLength = v;
            return this;
        }

        public Builder chunkSize(int v) {
            this.chunkSize = positive("chunkSize", v);
            return this;
        }

        public Builder sessions(boolean v) {
            this.sessions = v;
            return this;
        }

        public Builder maxIdleMillis(long v) {
            this.maxIdleMillis = positive("maxIdle", v);
            return this;
        }

        public Builder probeAfterIdleMillis(long v) {
            if (v < 0) {
                throw new IllegalArgumentException("probeAfterIdle must be >= 0: " + v);
            }
            this.probeAfterIdleMillis = v;
            return this;
        }

        private static int positive(String name, int v) {
            if (v <= 0) {
                throw new IllegalArgumentException(name + " must be > 0: " + v);
            }
            return v;
        }

        private static long positive(String name, long v) {
            if (v <= 0) {
                throw new IllegalArgumentException(name + " must be > 0: " + v);
            }
            return v;
        }

        public ClamdClient build() {
            return new ClamdClient(this);
        }
    }
}

package io.mailsec.av;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * One socket channel to clamd, TCP or Unix domain, with I/O deadlines enforced by {@link Watchdog}
 * (a stalled read or write is aborted by closing the channel). Not thread safe: one user at a time.
 *
 * <p>Unix sockets use the JDK's own support (Java 16+), reached by reflection because plugin code
 * is compiled for Java 11; on an older JRE connecting to a socket path fails with a clear message.
 */
final class ClamdConnection implements Closeable {
    private final ClamdEndpoint endpoint;
    private final SocketChannel channel;
    private final InputStream in;
    private final OutputStream out;
    private final long ioTimeoutMillis;
    /** 0 when idle; otherwise the time (ms) by which the current I/O must make progress. */
    private volatile long deadline;
    private volatile boolean closed;
    private volatile boolean timedOut;
    /** In an IDSESSION (several commands on this socket). */
    private boolean session;
    private int nextId = 1;
    private long lastUsed;
    private byte[] chunk;

    private ClamdConnection(ClamdEndpoint endpoint, SocketChannel channel, long ioTimeoutMillis) {
        this.endpoint = endpoint;
        this.channel = channel;
        // buffered both ways: a reply is read in one system call, and a small part goes out with its
        // INSTREAM command and terminator in one write (large chunks bypass the buffer)
        this.in = new BufferedInputStream(Channels.newInputStream(channel), 512);
        this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 16 * 1024);
        this.ioTimeoutMillis = ioTimeoutMillis;
        this.lastUsed = System.currentTimeMillis();
    }

    static ClamdConnection open(ClamdEndpoint endpoint, int connectTimeoutMillis, int ioTimeoutMillis) throws ClamdException {
        try {
            if (endpoint.isUnix()) {
                return openUnix(endpoint, connectTimeoutMillis, ioTimeoutMillis);
            }
            SocketChannel channel = SocketChannel.open();
            try {
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.socket().connect(new InetSocketAddress(endpoint.host(), endpoint.port()), connectTimeoutMillis);
                return register(new ClamdConnection(endpoint, channel, ioTimeoutMillis));
            } catch (IOException e) {
                channel.close();
                throw e;
            }
        } catch (ClamdException e) {
            throw e;
        } catch (IOException e) {
            throw new ClamdException("clamd " + endpoint + " unreachable: " + e.getMessage(), e);
        }
    }

    private static ClamdConnection register(ClamdConnection c) {
        Watchdog.INSTANCE.register(c);
        return c;
    }

    private static ClamdConnection openUnix(ClamdEndpoint endpoint, int connectTimeoutMillis, int ioTimeoutMillis) throws IOException {
        SocketAddress address;
        SocketChannel channel;
        try {
            Class<?> uds = Class.forName("java.net.UnixDomainSocketAddress");
            address = (SocketAddress) uds.getMethod("of", String.class).invoke(null, endpoint.socketPath());
            ProtocolFamily unix = Enum.valueOf(StandardProtocolFamily.class, "UNIX");
            channel = (SocketChannel) SocketChannel.class.getMethod("open", ProtocolFamily.class).invoke(null, unix);
        } catch (ReflectiveOperationException | IllegalArgumentException e) {
            throw new ClamdException("clamd Unix socket " + endpoint.socketPath()
                + " needs Java 16 or later (running " + System.getProperty("java.version") + "); use host:port");
        }
        try {
            ClamdConnection c = register(new ClamdConnection(endpoint, channel, ioTimeoutMillis));
            // a local connect succeeds or fails at once; the watchdog still bounds it
            c.deadline = System.currentTimeMillis() + connectTimeoutMillis;
            try {
                channel.connect(address);
            } finally {
                c.deadline = 0;
            }
            return c;
        } catch (IOException e) {
            channel.close();
            throw new ClamdException("clamd " + endpoint + " unreachable: " + e.getMessage(), e);
        }
    }

    /**
     * True when the peer has closed (or sent something unexpected on) this idle connection: a
     * non-blocking one-byte read, a few microseconds. Catches a clamd that exited or timed the
     * session out, so a pooled connection never fails a scan for that reason.
     */
    boolean isStale() {
        try {
            if (in.available() > 0) {
                return true; // unsolicited bytes: the conversation is out of step
            }
            channel.configureBlocking(false);
            int n;
            try {
                n = channel.read(ByteBuffer.allocate(1));
            } finally {
                channel.configureBlocking(true);
            }
            return n != 0;
        } catch (IOException e) {
            return true;
        }
    }

    ClamdEndpoint endpoint() {
        return endpoint;
    }

    /** Called by the watchdog. */
    void checkDeadline(long now) {
        long d = deadline;
        if (d != 0 && now > d && !closed) {
            timedOut = true;
            closeQuietly();
        }
    }

    boolean isClosed() {
        return closed;
    }

    boolean timedOut() {
        return timedOut;
    }

    long lastUsed() {
        return lastUsed;
    }

    boolean inSession() {
        return session;
    }

    private void arm() {
        deadline = System.currentTimeMillis() + ioTimeoutMillis;
    }

    private void disarm() {
        deadline = 0;
        lastUsed = System.currentTimeMillis();
    }

    void write(byte[] b, int off, int len) throws IOException {
        arm();
        try {
            out.write(b, off, len);
        } finally {
            disarm();
        }
    }

    void write(String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        write(b, 0, b.length);
    }

    void flush() throws IOException {
        arm();
        try {
            out.flush();
        } finally {
            disarm();
        }
    }

    /** Scratch buffer for INSTREAM chunks, reused across scans on this connection. */
    byte[] chunkBuffer(int size) {
        if (chunk == null || chunk.length != size) {
            chunk = new byte[size];
        }
        return chunk;
    }

    /** Starts an IDSESSION on this connection: later commands share the socket. */
    void startSession() throws IOException {
        write("zIDSESSION\0");
        flush();
        session = true;
    }

    /** Sends a z-command (NUL terminated) and returns the id its reply will carry (0 outside a session). */
    int command(String name) throws IOException {
        write("z" + name + "\0");
        return session ? nextId++ : 0;
    }

    /**
     * Reads one NUL-terminated reply; in a session, checks and strips the "id: " prefix.
     * EOF before any byte is an error (clamd closed the connection).
     */
    String readReply(int expectedId) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(64);
        arm();
        try {
            while (true) {
                int b = in.read();
                if (b < 0) {
                    if (buf.size() == 0) {
                        throw new ClamdException("clamd " + endpoint + " closed the connection without a reply");
                    }
                    break;
                }
                if (b == 0) {
                    break;
                }
                if (buf.size() > 8192) {
                    throw new ClamdException("clamd " + endpoint + " reply too long");
                }
                buf.write(b);
            }
        } catch (ClamdException e) {
            throw e;
        } catch (IOException e) {
            throw timedOut ? new ClamdException("clamd " + endpoint + " timed out after " + ioTimeoutMillis + " ms", e) : e;
        } finally {
            disarm();
        }
        String reply = buf.toString(StandardCharsets.UTF_8).trim();
        if (session) {
            int colon = reply.indexOf(": ");
            if (colon > 0 && reply.substring(0, colon).chars().allMatch(Character::isDigit)) {
                int id = Integer.parseInt(reply.substring(0, colon));
                if (id != expectedId) {
                    throw new ClamdException("clamd " + endpoint + " answered request " + id + ", expected " + expectedId);
                }
                reply = reply.substring(colon + 2);
            }
        }
        return reply;
    }

    void closeQuietly() {
        try {
            close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        Watchdog.INSTANCE.unregister(this);
        channel.close();
    }
}

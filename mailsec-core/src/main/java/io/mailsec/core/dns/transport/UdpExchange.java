package io.mailsec.core.dns.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * DNS over UDP for every mailsec lookup: one query, one datagram channel on a fresh ephemeral port,
 * one answer. The query is sent by the caller's thread at once; one selector thread of the JVM
 * waits for the answers. A new channel is registered by waking the selector up: dnsjava 3.5.2's
 * client (what James ships) registers new channels only when {@code select(1000)} returns with
 * nothing ready, so under concurrent lookups a query could wait up to a second for its answer to be
 * read, enough to turn a short {@code dnsTimeout} into a spurious temperror.
 *
 * <p>A datagram whose ID is not the query's is dropped and the exchange keeps waiting (RFC 5452 §9.1:
 * it may be a spoofing attempt, and it must not end a genuine exchange). Free of mail types.
 */
public final class UdpExchange {
    private static final UdpExchange SHARED = new UdpExchange();

    private final Queue<Pending> registrations = new ConcurrentLinkedQueue<>();
    private volatile Selector selector;

    private UdpExchange() {
    }

    /** The one selector loop of this JVM, started on first use. */
    public static UdpExchange shared() {
        return SHARED;
    }

    private static final class Pending {
        final DatagramChannel channel;
        final int id;
        final int maxSize;
        final long deadlineNanos;
        final CompletableFuture<byte[]> result = new CompletableFuture<>();

        Pending(DatagramChannel channel, int id, int maxSize, long deadlineNanos) {
            this.channel = channel;
            this.id = id;
            this.maxSize = maxSize;
            this.deadlineNanos = deadlineNanos;
        }
    }

    /**
     * Sends {@code query} (wire form; its first two bytes are the ID) to {@code server} and completes
     * with the first datagram of at most {@code maxSize} bytes that carries the same ID, or with a
     * {@link SocketTimeoutException} after {@code timeoutMillis}. Completes on the selector thread:
     * callers move further work off it.
     */
    public CompletableFuture<byte[]> exchange(InetSocketAddress server, byte[] query, int maxSize, long timeoutMillis) {
        DatagramChannel ch = null;
        try {
            ch = DatagramChannel.open();
            ch.configureBlocking(false);
            ch.bind(null);
            ch.connect(server);
            ch.write(ByteBuffer.wrap(query));
            Pending p = new Pending(ch, ((query[0] & 0xFF) << 8) | (query[1] & 0xFF), maxSize,
                    System.nanoTime() + timeoutMillis * 1_000_000L);
            registrations.add(p);
            selector().wakeup();
            return p.result;
        } catch (IOException | RuntimeException e) {
            close(ch);
            return CompletableFuture.failedFuture(new IOException("DNS query to " + server + " not sent: " + e.getMessage(), e));
        }
    }

    private Selector selector() throws IOException {
        Selector s = selector;
        if (s == null) {
            synchronized (this) {
                s = selector;
                if (s == null) {
                    s = Selector.open();
                    selector = s;
                    Thread t = new Thread(this::loop, "mailsec-dns-udp");
                    t.setDaemon(true);
                    t.start();
                }
            }
        }
        return s;
    }

    private void loop() {
        Selector s = selector;
        ByteBuffer buffer = ByteBuffer.allocate(65535);
        while (true) {
            try {
                s.select(nextWaitMillis(s));
                for (Pending p; (p = registrations.poll()) != null; ) {
                    try {
                        p.channel.register(s, SelectionKey.OP_READ, p);
                    } catch (IOException | RuntimeException e) {
                        fail(p, new IOException("DNS answer channel not registered: " + e.getMessage(), e));
                    }
                }
                Iterator<SelectionKey> ready = s.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey k = ready.next();
                    ready.remove();
                    read(k, buffer);
                }
                expire(s);
            } catch (ClosedSelectorException e) {
                return;
            } catch (IOException | RuntimeException e) {
                // one bad key must not stop every lookup of the JVM; the next round goes on
                expire(s);
            }
        }
    }

    private static void read(SelectionKey k, ByteBuffer buffer) {
        Pending p = (Pending) k.attachment();
        if (!k.isValid() || p.result.isDone()) {
            return;
        }
        try {
            while (true) {
                buffer.clear();
                int n = p.channel.read(buffer);
                if (n <= 0) {
                    return;
                }
                if (n >= 2 && (((buffer.get(0) & 0xFF) << 8) | (buffer.get(1) & 0xFF)) == p.id) {
                    byte[] answer = new byte[Math.min(n, p.maxSize)];
                    buffer.flip();
                    buffer.get(answer);
                    close(p.channel);
                    p.result.complete(answer);
                    return;
                }
            }
        } catch (java.net.PortUnreachableException e) {
            // ICMP port unreachable surfaces as a failed read on a connected channel
            fail(p, new IOException("connection refused by " + remote(p) + " (ICMP port unreachable: no DNS server listens there)", e));
        } catch (IOException e) {
            fail(p, new IOException("DNS answer from " + remote(p) + " not read: " + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage()), e));
        }
    }

    private static long nextWaitMillis(Selector s) {
        long next = Long.MAX_VALUE;
        for (SelectionKey k : s.keys()) {
            Object a = k.attachment();
            if (a instanceof Pending) {
                next = Math.min(next, ((Pending) a).deadlineNanos);
            }
        }
        if (next == Long.MAX_VALUE) {
            return 0;
        }
        return Math.max(1, (next - System.nanoTime()) / 1_000_000L + 1);
    }

    private static void expire(Selector s) {
        long now = System.nanoTime();
        for (SelectionKey k : s.keys()) {
            Object a = k.attachment();
            if (a instanceof Pending && now - ((Pending) a).deadlineNanos >= 0) {
                Pending p = (Pending) a;
                fail(p, new SocketTimeoutException("no DNS answer from " + remote(p) + " in time"));
            }
        }
    }

    private static void fail(Pending p, IOException e) {
        close(p.channel);
        p.result.completeExceptionally(e);
    }

    private static String remote(Pending p) {
        try {
            return String.valueOf(p.channel.getRemoteAddress());
        } catch (IOException e) {
            return "the server";
        }
    }

    private static void close(DatagramChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }
}

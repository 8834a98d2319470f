package io.mailsec.core.dns.transport;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * DNS over TCP (RFC 7766), for answers that did not fit a datagram: one connection per query, the
 * two-byte length before each message, on a daemon thread of its own, bounded by the query's
 * timeout. Rare (truncated answers), so a blocking socket is simpler than another selector.
 */
public final class TcpExchange {
    private static final ExecutorService THREADS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "mailsec-dns-tcp");
        t.setDaemon(true);
        return t;
    });

    private TcpExchange() {
    }

    /** Completes with the answer whose ID is the query's, or an IOException (timeout, refused, wrong ID). */
    public static CompletableFuture<byte[]> exchange(InetSocketAddress server, byte[] query, long timeoutMillis) {
        return CompletableFuture.supplyAsync(() -> {
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            try (Socket s = new Socket()) {
                s.connect(server, (int) Math.max(1, timeoutMillis));
                OutputStream out = s.getOutputStream();
                out.write(new byte[] {(byte) (query.length >>> 8), (byte) query.length});
                out.write(query);
                out.flush();
                DataInputStream in = new DataInputStream(s.getInputStream());
                while (true) {
                    long left = (deadline - System.nanoTime()) / 1_000_000L;
                    if (left <= 0) {
                        throw new java.net.SocketTimeoutException("no DNS answer over TCP from " + server + " in time");
                    }
                    s.setSoTimeout((int) left);
                    byte[] answer = new byte[in.readUnsignedShort()];
                    in.readFully(answer);
                    if (answer.length >= 2 && answer[0] == query[0] && answer[1] == query[1]) {
                        return answer;
                    }
                }
            } catch (IOException e) {
                throw new java.util.concurrent.CompletionException(new IOException("DNS over TCP to " + server + ": " + e.getMessage(), e));
            }
        }, THREADS);
    }
}

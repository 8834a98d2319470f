package io.mailsec.tls.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

/** The session pool under the race the outbound throughput benchmark hit (a NullPointerException sent a mail to the error repository). */
class SessionPoolTest {
    /** Answers 250 to every line, as a server does to RSET. */
    private static ServerSocket rsetServer() throws Exception {
        ServerSocket server = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"));
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread c = new Thread(() -> {
                        try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))) {
                            OutputStream out = s.getOutputStream();
                            while (in.readLine() != null) {
                                out.write("250 ok\r\n".getBytes(StandardCharsets.US_ASCII));
                                out.flush();
                            }
                        } catch (Exception ignored) {
                            // client gone
                        }
                    });
                    c.setDaemon(true);
                    c.start();
                } catch (Exception e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return server;
    }

    @Test
    void aSessionTakenTheMomentItIsOfferedIsUsable() throws Exception {
        try (ServerSocket server = rsetServer()) {
            ScheduledExecutorService real = Executors.newSingleThreadScheduledExecutor();
            AtomicReference<SessionPool> pool = new AtomicReference<>();
            AtomicReference<CompletableFuture<SessionPool.Idle>> taken = new AtomicReference<>();
            // While the pool schedules the reaper, another worker asks for a session of the same key: it must
            // get one it can use (or wait for it), never one whose reaper is not set yet.
            ScheduledExecutorService timer = new ScheduledThreadPoolExecutor(1) {
                @Override
                public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
                    CompletableFuture<SessionPool.Idle> f = CompletableFuture.supplyAsync(() -> pool.get().take("k"));
                    taken.set(f);
                    try {
                        f.get(300, TimeUnit.MILLISECONDS);
                    } catch (Exception waitedForTheMonitor) {
                        // the fixed pool holds its monitor here: the other worker waits, as it should
                    }
                    return real.schedule(command, delay, unit);
                }
            };
            pool.set(new SessionPool(100, Duration.ofSeconds(5), timer));
            SmtpClient client = SmtpClient.connect("rset.test", new InetSocketAddress("127.0.0.1", server.getLocalPort()), 2000, 2000);
            pool.get().offer("k", new SessionPool.Idle(client, 1, false, null, null, null));
            SessionPool.Idle got = taken.get().get(5, TimeUnit.SECONDS);
            assertThat(got).as("the concurrent take got the session, after RSET").isNotNull();
            assertThat(got.client).isSameAs(client);
            client.close();
            timer.shutdownNow();
            real.shutdownNow();
        }
    }
}

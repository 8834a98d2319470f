package io.mailsec.av;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The clamd protocol (clamd's man page: PING, VERSION, IDSESSION, INSTREAM) against a real clamd. */
class ClamdClientTest {
    static ClamdProcess clamd;
    static ClamdClient client;

    @BeforeAll
    static void start() throws Exception {
        clamd = ClamdProcess.shared();
        client = ClamdClient.builder(clamd.tcpEndpoint()).poolSize(4).build();
    }

    @AfterAll
    static void stop() {
        client.close();
    }

    @Test
    void pingAndVersionOverTcp() throws Exception {
        assertThat(client.ping()).isEqualTo("PONG");
        assertThat(client.version()).startsWith("ClamAV 1.");
    }

    @Test
    void pingAndScanOverUnixSocket() throws Exception {
        try (ClamdClient unix = ClamdClient.builder(clamd.unixEndpoint()).build()) {
            assertThat(unix.ping()).isEqualTo("PONG");
            ClamdReply r = unix.scan(new ByteArrayInputStream(TestFiles.eicar()));
            assertThat(r.status()).isEqualTo(ClamdReply.Status.FOUND);
            assertThat(r.signature()).startsWith("Test.EICAR.").endsWith(".UNOFFICIAL");
        }
    }

    @Test
    void eicarFoundAndCleanOk() throws Exception {
        ClamdReply infected = client.scan(new ByteArrayInputStream(TestFiles.eicar()));
        assertThat(infected.status()).isEqualTo(ClamdReply.Status.FOUND);
        assertThat(infected.signature()).matches("Test\\.EICAR\\.(MD5|NDB)\\.UNOFFICIAL");
        ClamdReply clean = client.scan(new ByteArrayInputStream(TestFiles.cleanText()));
        assertThat(clean.status()).isEqualTo(ClamdReply.Status.OK);
    }

    @Test
    void tinyChunksAreReassembledByClamd() throws Exception {
        try (ClamdClient c = ClamdClient.builder(clamd.tcpEndpoint()).chunkSize(7).build()) {
            ClamdReply r = c.scan(new ByteArrayInputStream(TestFiles.eicar()));
            assertThat(r.status()).isEqualTo(ClamdReply.Status.FOUND);
            assertThat(r.bytesSent()).isEqualTo(68);
        }
    }

    @Test
    void sessionsAreReusedFromThePool() throws Exception {
        try (ClamdClient c = ClamdClient.builder(clamd.tcpEndpoint()).poolSize(2).build()) {
            for (int i = 0; i < 20; i++) {
                assertThat(c.scan(new ByteArrayInputStream(TestFiles.cleanText())).status()).isEqualTo(ClamdReply.Status.OK);
            }
            assertThat(c.idleConnections()).isEqualTo(1);
        }
    }

    @Test
    void concurrentScansShareTheBoundedPool() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try (ClamdClient c = ClamdClient.builder(clamd.tcpEndpoint()).poolSize(3).build()) {
            List<Future<ClamdReply>> results = new ArrayList<>();
            for (int i = 0; i < 120; i++) {
                byte[] data = i % 3 == 0 ? TestFiles.zip("e.com", TestFiles.eicar()) : TestFiles.cleanText();
                results.add(pool.submit(() -> c.scan(new ByteArrayInputStream(data))));
            }
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get().status())
                    .isEqualTo(i % 3 == 0 ? ClamdReply.Status.FOUND : ClamdReply.Status.OK);
            }
            assertThat(c.idleConnections()).isBetween(1, 3);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void overOurStreamLimitIsTooLargeNeverClean() throws Exception {
        try (ClamdClient c = ClamdClient.builder(clamd.tcpEndpoint()).streamMaxLength(100_000).build()) {
            ClamdReply r = c.scan(new ByteArrayInputStream(TestFiles.random(300_000)));
            assertThat(r.status()).isEqualTo(ClamdReply.Status.TOO_LARGE);
            assertThat(r.bytesSent()).isEqualTo(100_000);
            // a virus inside the scanned prefix is still reported
            byte[] prefixed = new byte[300_000];
            System.arraycopy(TestFiles.eicar(), 0, prefixed, 0, 68);
            assertThat(c.scan(new ByteArrayInputStream(prefixed)).status()).isEqualTo(ClamdReply.Status.FOUND);
            // exactly at the limit is scanned completely
            assertThat(c.scan(new ByteArrayInputStream(TestFiles.random(100_000))).status()).isEqualTo(ClamdReply.Status.OK);
        }
    }

    @Test
    void clamdsOwnStreamMaxLengthRefusalIsTooLarge() throws Exception {
        // our limit above clamd's StreamMaxLength: clamd answers "INSTREAM size limit exceeded. ERROR"
        try (ClamdClient c = ClamdClient.builder(clamd.tcpEndpoint()).streamMaxLength(0).build()) {
            ClamdReply r = c.scan(new ByteArrayInputStream(TestFiles.random((int) ClamdProcess.STREAM_MAX_LENGTH + 500_000)));
            assertThat(r.status()).isEqualTo(ClamdReply.Status.TOO_LARGE);
            assertThat(r.raw()).contains("size limit exceeded");
            assertThat(c.ping()).isEqualTo("PONG"); // the refused session was dropped, a new one works
        }
    }

    @Test
    void encryptedZipRaisesHeuristicAlert() throws Exception {
        ClamdReply r = client.scan(new ByteArrayInputStream(TestFiles.encryptedZip("doc.txt", TestFiles.cleanText())));
        assertThat(r.status()).isEqualTo(ClamdReply.Status.FOUND);
        assertThat(r.signature()).startsWith("Heuristics.Encrypted");
    }

    @Test
    void sevenArchiveLevelsScanEighthIsOverTheLimit() throws Exception {
        assertThat(client.scan(new ByteArrayInputStream(TestFiles.nestedZip(TestFiles.cleanText(), 7))).status())
            .isEqualTo(ClamdReply.Status.OK);
        ClamdReply deep = client.scan(new ByteArrayInputStream(TestFiles.nestedZip(TestFiles.cleanText(), 8)));
        assertThat(deep.status()).isEqualTo(ClamdReply.Status.FOUND);
        assertThat(deep.signature()).isEqualTo("Heuristics.Limits.Exceeded.MaxRecursion");
    }

    @Test
    void unreachableClamdIsAClamdException() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(ClamdProcess.ADDRESS))) {
            port = s.getLocalPort();
        }
        try (ClamdClient c = ClamdClient.builder(ClamdEndpoint.tcp(ClamdProcess.ADDRESS, port)).build()) {
            assertThatThrownBy(() -> c.scan(new ByteArrayInputStream(TestFiles.eicar())))
                .isInstanceOf(ClamdException.class).hasMessageContaining("unreachable");
        }
        try (ClamdClient c = ClamdClient.builder(ClamdEndpoint.unix("/nonexistent/clamd.sock")).build()) {
            assertThatThrownBy(c::ping).isInstanceOf(ClamdException.class);
        }
    }

    @Test
    void silentServerTimesOut() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 5, InetAddress.getByName(ClamdProcess.ADDRESS))) {
            Thread acceptor = new Thread(() -> {
                try {
                    Socket held = s.accept(); // accept and never answer
                    InputStream in = held.getInputStream();
                    while (in.read() >= 0) {
                        // swallow
                    }
                } catch (Exception ignored) {
                    // closed
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            try (ClamdClient c = ClamdClient.builder(ClamdEndpoint.tcp(ClamdProcess.ADDRESS, s.getLocalPort()))
                .ioTimeoutMillis(500).build()) {
                long t0 = System.nanoTime();
                assertThatThrownBy(() -> c.scan(new ByteArrayInputStream(TestFiles.eicar())))
                    .isInstanceOf(ClamdException.class).hasMessageContaining("timed out");
                assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(400L, 5_000L);
            }
        }
    }

    @Test
    void staleSessionAfterClamdRestartIsReplaced() throws Exception {
        try (ClamdProcess own = ClamdProcess.start();
             ClamdClient c = ClamdClient.builder(own.tcpEndpoint()).probeAfterIdleMillis(0).build()) {
            assertThat(c.scan(new ByteArrayInputStream(TestFiles.eicar())).status()).isEqualTo(ClamdReply.Status.FOUND);
            assertThat(c.idleConnections()).isEqualTo(1);
            own.restart();
            assertThat(c.scan(new ByteArrayInputStream(TestFiles.eicar())).status()).isEqualTo(ClamdReply.Status.FOUND);
        }
    }

    @Test
    void endpointParsing() {
        assertThat(ClamdEndpoint.parse("127.0.0.1:3310").toString()).isEqualTo("127.0.0.1:3310");
        assertThat(ClamdEndpoint.parse("clamav").port()).isEqualTo(3310);
        assertThat(ClamdEndpoint.parse("[::1]:3311").host()).isEqualTo("::1");
        assertThat(ClamdEndpoint.parse("/run/clamav/clamd.ctl").isUnix()).isTrue();
        assertThat(ClamdEndpoint.parse("unix:/run/clamd.sock").socketPath()).isEqualTo("/run/clamd.sock");
        assertThatThrownBy(() -> ClamdEndpoint.parse("host:notaport")).hasMessageContaining("host:notaport");
    }
}

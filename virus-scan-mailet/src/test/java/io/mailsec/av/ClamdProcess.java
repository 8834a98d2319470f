package io.mailsec.av;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real clamd (Debian clamav-daemon) started for tests: the conformance signatures only
 * (Test.EICAR.MD5 / Test.EICAR.NDB), no freshclam, TCP on 127.0.3.1:&lt;free port&gt; plus a Unix
 * socket, archive limits set so that more than 7 nested archive levels, encrypted archives and
 * over-size files raise heuristic alerts (which our verdicts map to "unscannable").
 */
public final class ClamdProcess implements AutoCloseable {
    public static final String ADDRESS = "127.0.3.1";
    public static final Path SIGNATURES = io.mailsec.core.testdata.Conformance.file("clamav");
    /** Small on purpose so the over-limit test stays quick. */
    public static final long STREAM_MAX_LENGTH = 4L * 1024 * 1024;

    private static ClamdProcess shared;

    private final Path dir;
    private final int port;
    private final long streamMaxLength;
    private Process process;

    private ClamdProcess(Path dir, int port, long streamMaxLength) {
        this.dir = dir;
        this.port = port;
        this.streamMaxLength = streamMaxLength;
    }

    /** One clamd for the whole test JVM (stopped by a shutdown hook). */
    public static synchronized ClamdProcess shared() throws Exception {
        if (shared == null) {
            shared = start();
            ClamdProcess s = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(s::close));
        }
        return shared;
    }

    public static ClamdProcess start() throws Exception {
        return start(freePort());
    }

    public static ClamdProcess start(int port) throws Exception {
        return start(port, STREAM_MAX_LENGTH);
    }

    public static ClamdProcess startWithStreamMaxLength(long streamMaxLength) throws Exception {
        return start(freePort(), streamMaxLength);
    }

    public static ClamdProcess start(int port, long streamMaxLength) throws Exception {
        Path clamd = findClamd();
        Path dir = Files.createTempDirectory("mailsec-clamd-");
        Files.createDirectories(dir.resolve("db"));
        Files.createDirectories(dir.resolve("tmp"));
        try (Stream<Path> sigs = Files.list(SIGNATURES)) {
            for (Path p : (Iterable<Path>) sigs::iterator) {
                Files.copy(p, dir.resolve("db").resolve(p.getFileName()));
            }
        }
        ClamdProcess c = new ClamdProcess(dir, port, streamMaxLength);
        c.writeConfig();
        c.process = new ProcessBuilder(clamd.toString(), "--config-file=" + dir.resolve("clamd.conf"))
            .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        c.awaitReady();
        return c;
    }

    private static Path findClamd() {
        for (String p : new String[] {"/usr/sbin/clamd", "/usr/bin/clamd"}) {
            if (Files.isExecutable(Paths.get(p))) {
                return Paths.get(p);
            }
        }
        throw new IllegalStateException("clamd not found: install the Debian package clamav-daemon "
            + "(apt-get install clamav-daemon, or run scripts/install-test-deps.sh as root)");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(ADDRESS))) {
            return s.getLocalPort();
        }
    }

    private void writeConfig() throws IOException {
        List<String> conf = new ArrayList<>(List.of(
            "DatabaseDirectory " + dir.resolve("db"),
            "TCPSocket " + port,
            "TCPAddr " + ADDRESS,
            "LocalSocket " + socketPath(),
            "Foreground yes",
            "LogFile " + dir.resolve("clamd.log"),
            "LogTime yes",
            "PidFile " + dir.resolve("clamd.pid"),
            "TemporaryDirectory " + dir.resolve("tmp"),
            "ScanArchive yes",
            "ScanMail yes",
            // 7 nested archive levels scan; an 8th level raises Heuristics.Limits.Exceeded.MaxRecursion
            "MaxRecursion 8",
            "AlertEncrypted yes",
            "AlertEncryptedArchive yes",
            "AlertExceedsMax yes",
            "StreamMaxLength " + streamMaxLength,
            "MaxFileSize " + Math.max(streamMaxLength, 100L * 1024 * 1024),
            "MaxScanSize " + Math.max(streamMaxLength * 4, 400L * 1024 * 1024),
            "MaxThreads 12",
            "IdleTimeout 30"));
        Files.write(dir.resolve("clamd.conf"), conf, StandardCharsets.US_ASCII);
    }

    private void awaitReady() throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("clamd exited with " + process.exitValue() + ": "
                    + Files.readString(dir.resolve("stdout.log")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(ADDRESS, port), 200);
                OutputStream out = s.getOutputStream();
                out.write("zPING\0".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                byte[] b = in.readNBytes(5);
                if (new String(b, StandardCharsets.US_ASCII).equals("PONG\0")) {
                    return;
                }
            } catch (IOException notYet) {
                // still loading
            }
            Thread.sleep(50);
        }
        close();
        throw new IllegalStateException("clamd did not answer PING within 30 s");
    }

    public int port() {
        return port;
    }

    public String tcpAddress() {
        return ADDRESS + ":" + port;
    }

    public ClamdEndpoint tcpEndpoint() {
        return ClamdEndpoint.tcp(ADDRESS, port);
    }

    public Path socketPath() {
        return dir.resolve("clamd.sock");
    }

    public ClamdEndpoint unixEndpoint() {
        return ClamdEndpoint.unix(socketPath().toString());
    }

    public Path directory() {
        return dir;
    }

    /** Stops clamd (TERM, then KILL) and waits for it. */
    public synchronized void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops this instance and starts a new clamd on the same port and directory. */
    public synchronized void restart() throws Exception {
        stop();
        Files.deleteIfExists(socketPath());
        process = new ProcessBuilder(findClamd().toString(), "--config-file=" + dir.resolve("clamd.conf"))
            .redirectErrorStream(true).redirectOutput(dir.resolve("stdout2.log").toFile()).start();
        awaitReady();
    }

    @Override
    public synchronized void close() {
        stop();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}

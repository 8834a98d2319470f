package io.mailsec.it.av;

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
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** A real clamd (Debian clamav-daemon) with the conformance test signatures on 127.0.3.1:&lt;free port&gt;. */
final class AvClamd implements AutoCloseable {
    static final String ADDRESS = "127.0.3.1";
    final Path dir;
    final int port;
    private Process process;

    AvClamd() throws Exception {
        if (!Files.isExecutable(Paths.get("/usr/sbin/clamd"))) {
            throw new IllegalStateException("clamd not found: install the Debian package clamav-daemon "
                + "(scripts/install-test-deps.sh)");
        }
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(ADDRESS))) {
            port = s.getLocalPort();
        }
        dir = Files.createTempDirectory("mailsec-it-clamd-");
        Files.createDirectories(dir.resolve("db"));
        Path sigs = Paths.get(System.getProperty("mailsec.conformance", "/work/shared/conformance"), "clamav");
        try (Stream<Path> l = Files.list(sigs)) {
            for (Path p : (Iterable<Path>) l::iterator) {
                Files.copy(p, dir.resolve("db").resolve(p.getFileName()));
            }
        }
        Files.write(dir.resolve("clamd.conf"), List.of(
            "DatabaseDirectory " + dir.resolve("db"), "TCPSocket " + port, "TCPAddr " + ADDRESS,
            "Foreground yes", "LogFile " + dir.resolve("clamd.log"), "TemporaryDirectory " + dir,
            "ScanArchive yes", "MaxRecursion 8", "AlertEncrypted yes", "AlertExceedsMax yes",
            "StreamMaxLength 32M", "MaxThreads 8"));
        start();
    }

    void start() throws Exception {
        process = new ProcessBuilder("/usr/sbin/clamd", "--config-file=" + dir.resolve("clamd.conf"))
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("out.log").toFile())).start();
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(ADDRESS, port), 200);
                OutputStream o = s.getOutputStream();
                o.write("zPING\0".getBytes(StandardCharsets.US_ASCII));
                InputStream i = s.getInputStream();
                if (new String(i.readNBytes(5), StandardCharsets.US_ASCII).equals("PONG\0")) {
                    return;
                }
            } catch (IOException notYet) {
                // loading
            }
            Thread.sleep(50);
        }
        stop();
        throw new IllegalStateException("clamd did not start");
    }

    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            process.waitFor();
        }
    }

    String address() {
        return ADDRESS + ":" + port;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        try (Stream<Path> w = Files.walk(dir)) {
            w.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}

package io.mailsec.core.dns.dnssec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A DNS server process run in the foreground for a test: started from its own config file, up
 * when it answers a query on its address, stopped on close. A server an interrupted run left on
 * the same address (known by a pid file in the temp directory whose process runs a config of
 * ours) is stopped first, so a crashed run does not block port 53 for the next.
 */
final class Daemon implements AutoCloseable {
    /** Every config file of ours has this in its path; a stale pid is only ever killed when its command line has it. */
    static final String MARKER = "mailsec-dnssec-";

    private final String name;
    private final String address;
    private final Process process;
    private final Path log;
    private final Path pidFile;

    private Daemon(String name, String address, Process process, Path log, Path pidFile) {
        this.name = name;
        this.address = address;
        this.process = process;
        this.log = log;
        this.pidFile = pidFile;
    }

    /**
     * Starts {@code command} (which must keep running in the foreground) and waits until {@code address}:53
     * answers {@code probe}'s SOA query with any RCODE.
     */
    static Daemon start(String name, String address, List<String> command, Path log, String probe) throws IOException {
        Path pidFile = Path.of(System.getProperty("java.io.tmpdir"), "mailsec-" + name + "-" + address + ".pid");
        stopStale(pidFile);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Files.writeString(pidFile, Long.toString(p.pid()));
        Daemon d = new Daemon(name, address, p, log, pidFile);
        d.awaitUp(probe);
        return d;
    }

    private static void stopStale(Path pidFile) throws IOException {
        if (!Files.exists(pidFile)) {
            return;
        }
        String id = Files.readString(pidFile).trim();
        Path cmdline = Path.of("/proc", id, "cmdline");
        if (!id.isEmpty() && Files.exists(cmdline) && Files.readString(cmdline).contains(MARKER)) {
            ProcessHandle.of(Long.parseLong(id)).ifPresent(h -> {
                h.destroy();
                h.onExit().join();
            });
        }
        Files.deleteIfExists(pidFile);
    }

    private void awaitUp(String probe) throws IOException {
        SimpleResolver r = new SimpleResolver(address);
        r.setTimeout(Duration.ofMillis(300));
        Message q = Message.newQuery(Record.newRecord(Name.fromString(probe), Type.SOA, DClass.IN));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited (port 53 on " + address + " needs root): " + Files.readString(log));
            }
            try {
                r.send(q);
                return;
            } catch (IOException notYet) {
                sleep(50);
            }
        }
        close();
        throw new IllegalStateException(name + " did not answer on " + address + ":53 within 15 s: " + Files.readString(log));
    }

    /** What the server logged so far (for failure messages). */
    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(pidFile);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException ignored) {
            // the pid file is checked against /proc before use anyway
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + "@" + address;
    }
}

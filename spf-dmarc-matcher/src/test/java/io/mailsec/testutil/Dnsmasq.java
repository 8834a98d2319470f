package io.mailsec.testutil;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.mailsec.core.dns.DnsResult;
import io.mailsec.core.dns.DnsjavaResolver;

/**
 * A real dnsmasq serving test zones on 127.0.2.53:53 (this module's loopback address), started
 * and stopped by the test. Names under a {@code local} zone that are not configured answer NXDOMAIN,
 * existing names without the asked type NODATA.
 */
public final class Dnsmasq implements AutoCloseable {
    public static final String ADDRESS = "127.0.2.53";
    private static final String BINARY = "/usr/sbin/dnsmasq";
    private static final Path PID = Path.of("/tmp/mailsec-spfdmarc-dnsmasq.pid");

    private final List<String> lines = new ArrayList<>();
    private final Set<String> zones = new LinkedHashSet<>();
    private Process process;
    private Path dir;

    public Dnsmasq zone(String domain) {
        zones.add(domain);
        return this;
    }

    /** One TXT record; long texts are split into 255-octet character-strings. */
    public Dnsmasq txt(String name, String text) {
        StringBuilder sb = new StringBuilder("txt-record=").append(name);
        for (int i = 0; i < text.length(); i += 255) {
            String chunk = text.substring(i, Math.min(text.length(), i + 255));
            sb.append(",\"").append(chunk.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        if (text.isEmpty()) {
            sb.append(",\"\"");
        }
        lines.add(sb.toString());
        return this;
    }

    /** A TXT record made of the given character-strings. */
    public Dnsmasq txtStrings(String name, String... strings) {
        StringBuilder sb = new StringBuilder("txt-record=").append(name);
        for (String s : strings) {
            sb.append(",\"").append(s.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        lines.add(sb.toString());
        return this;
    }

    /** TTL of every answer (dnsmasq's default for its own records is 0, which no cache keeps). */
    public Dnsmasq ttl(int seconds) {
        lines.add("local-ttl=" + seconds);
        return this;
    }

    public Dnsmasq host(String name, String... addresses) {
        lines.add("host-record=" + name + "," + String.join(",", addresses));
        return this;
    }

    public Dnsmasq mx(String domain, String host, int preference) {
        lines.add("mx-host=" + domain + "," + host + "," + preference);
        return this;
    }

    public Dnsmasq ptr(String reverseName, String target) {
        lines.add("ptr-record=" + reverseName + "," + target);
        return this;
    }

    public Dnsmasq cname(String alias, String target) {
        lines.add("cname=" + alias + "," + target);
        return this;
    }

    public Dnsmasq start() throws Exception {
        Peers.requireExecutable(BINARY, "dnsmasq-base");
        stopStale();
        dir = Files.createTempDirectory("mailsec-dnsmasq");
        List<String> conf = new ArrayList<>(List.of("port=53", "listen-address=" + ADDRESS, "bind-interfaces", "no-resolv",
                "no-hosts", "no-negcache", "log-facility=" + dir.resolve("dnsmasq.log")));
        for (String z : zones) {
            conf.add("local=/" + z + "/");
        }
        conf.addAll(lines);
        Path file = dir.resolve("dnsmasq.conf");
        Files.write(file, conf, StandardCharsets.UTF_8);
        process = new ProcessBuilder(BINARY, "--keep-in-foreground", "--conf-file=" + file, "--pid-file=" + PID)
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout").toFile()).start();
        DnsjavaResolver probe = DnsjavaResolver.create(List.of(ADDRESS), Duration.ofMillis(200));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("dnsmasq exited: " + Files.readString(dir.resolve("stdout")) + " (port 53 on " + ADDRESS + " needs root)");
            }
            DnsResult<InetAddress> r = probe.a("probe." + (zones.isEmpty() ? "test" : zones.iterator().next()));
            if (!r.status().isTemporary()) {
                return this;
            }
            Thread.sleep(20);
        }
        close();
        fail("dnsmasq did not answer on " + ADDRESS + ":53 within 10 s");
        return this;
    }

    public String server() {
        return ADDRESS;
    }

    /** Kills a dnsmasq left over by an earlier, interrupted run of these tests (identified by our pid file). */
    private static void stopStale() throws IOException, InterruptedException {
        if (!Files.exists(PID)) {
            return;
        }
        String pid = Files.readString(PID).trim();
        Path cmdline = Path.of("/proc", pid, "cmdline");
        if (!pid.isEmpty() && Files.exists(cmdline) && Files.readString(cmdline).contains("mailsec-dnsmasq")) {
            ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroy);
            Thread.sleep(100);
        }
        Files.deleteIfExists(PID);
    }

    @Override
    public void close() throws Exception {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            process = null;
        }
        Files.deleteIfExists(PID);
        if (dir != null) {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}

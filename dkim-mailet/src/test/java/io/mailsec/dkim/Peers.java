package io.mailsec.dkim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real peer tools for interop tests: a dnsmasq on 127.0.1.53:53 (this module's loopback range) serving
 * TXT records, and command-line tools run with /etc/resolv.conf bind-mounted (in a private mount
 * namespace) to point at it.
 */
final class Peers implements AutoCloseable {
    static final String DNS_ADDRESS = "127.0.1.53";

    private final Path dir;
    private final Process dnsmasq;
    private final Path resolvConf;

    private Peers(Path dir, Process dnsmasq, Path resolvConf) {
        this.dir = dir;
        this.dnsmasq = dnsmasq;
        this.resolvConf = resolvConf;
    }

    static void require(String... tools) {
        for (String t : tools) {
            boolean found = false;
            for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").concat(":/usr/sbin:/sbin").split(":")) {
                found |= Files.isExecutable(Path.of(d, t));
            }
            if (!found) {
                throw new AssertionError("peer tool '" + t + "' is missing: install it with "
                        + "apt-get install -y dnsmasq-base python3-dkim opendkim-tools util-linux (or run scripts/install-test-deps.sh)");
            }
        }
    }

    /** Starts dnsmasq with {@code local=/zone/} and the given TXT records (each value split into 255-byte strings). */
    static Peers start(String zone, Map<String, String> txt) throws IOException, InterruptedException {
        require("dnsmasq", "unshare", "mount");
        Path dir = Files.createTempDirectory("mailsec-dkim-peers");
        StringBuilder conf = new StringBuilder();
        conf.append("port=53\nlisten-address=").append(DNS_ADDRESS).append("\nbind-interfaces\nno-resolv\nno-hosts\n")
                .append("local=/").append(zone).append("/\n");
        for (Map.Entry<String, String> e : txt.entrySet()) {
            conf.append("txt-record=").append(e.getKey());
            for (String chunk : split255(e.getValue())) {
                conf.append(",\"").append(chunk).append('"');
            }
            conf.append('\n');
        }
        Path confFile = dir.resolve("dnsmasq.conf");
        Files.writeString(confFile, conf.toString());
        Process p = new ProcessBuilder("dnsmasq", "--keep-in-foreground", "--conf-file=" + confFile,
                "--pid-file=" + dir.resolve("dnsmasq.pid"), "--log-facility=" + dir.resolve("dnsmasq.log"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("dnsmasq.out").toFile()).start();
        Path resolv = dir.resolve("resolv.conf");
        Files.writeString(resolv, "nameserver " + DNS_ADDRESS + "\noptions timeout:2 attempts:1\n");
        Peers peers = new Peers(dir, p, resolv);
        // wait until it answers
        io.mailsec.core.dns.DnsResolver r = peers.resolver();
        String probe = txt.keySet().iterator().next();
        for (int i = 0; i < 100; i++) {
            if (!p.isAlive()) {
                peers.close();
                throw new AssertionError("dnsmasq exited: " + Files.readString(dir.resolve("dnsmasq.out")));
            }
            if (r.txt(probe).isOk()) {
                return peers;
            }
            Thread.sleep(50);
        }
        peers.close();
        throw new AssertionError("dnsmasq on " + DNS_ADDRESS + " did not answer");
    }

    static List<String> split255(String value) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < value.length(); i += 255) {
            out.add(value.substring(i, Math.min(value.length(), i + 255)));
        }
        return out;
    }

    io.mailsec.core.dns.DnsResolver resolver() {
        return io.mailsec.core.dns.DnsjavaResolver.create(List.of(DNS_ADDRESS), java.time.Duration.ofSeconds(2));
    }

    Path dir() {
        return dir;
    }

    /** Result of a tool run. */
    record Run(int exit, String stdout, String stderr) {
        byte[] stdoutBytes() {
            return stdout.getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    /** Runs a command with our DNS server as the system resolver, feeding {@code stdin}. */
    Run run(byte[] stdin, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("unshare", "-m", "sh", "-c",
                "mount --bind \"$0\" /etc/resolv.conf && exec \"$@\"", resolvConf.toString()));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread to = pump(p.getInputStream(), out);
        Thread te = pump(p.getErrorStream(), err);
        try (var in = p.getOutputStream()) {
            in.write(stdin);
        } catch (IOException ignored) {
            // tool may exit early
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timeout running " + command[0]);
        }
        to.join();
        te.join();
        return new Run(p.exitValue(), out.toString(StandardCharsets.ISO_8859_1), err.toString(StandardCharsets.ISO_8859_1));
    }

    private static Thread pump(InputStream in, ByteArrayOutputStream out) {
        Thread t = new Thread(() -> {
            try {
                in.transferTo(out);
            } catch (IOException ignored) {
                // process ended
            }
        });
        t.start();
        return t;
    }

    @Override
    public void close() {
        dnsmasq.destroy();
        try {
            if (!dnsmasq.waitFor(5, TimeUnit.SECONDS)) {
                dnsmasq.destroyForcibly();
            }
        } catch (InterruptedException e) {
            dnsmasq.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}

package io.mailsec.core.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.mailsec.core.peers.PeerTools;

/**
 * The project's one DNS fixture: a real dnsmasq serving test zones on {@code address:53} (root may
 * bind 53 on any 127.0.0.x; each test area has its own address). Names under a zone that are not
 * configured answer NXDOMAIN; configured names without the asked type answer NODATA. Answers carry
 * TTL 0 (dnsmasq's default: no cache keeps them, so tests sharing a resolver never see another
 * test's records) unless {@link Builder#ttl} sets one; {@link #start(String, List, List)} uses 300 s.
 * A dnsmasq left on the address by an interrupted run is stopped first.
 *
 * <pre>
 * try (Dnsmasq dns = Dnsmasq.on("127.0.2.53").zone("test").txt("a.test", "v=spf1 -all").mx("a.test", "mx.a.test", 10)
 *         .host("mx.a.test", "127.0.2.25").start()) { ... }
 * </pre>
 */
public final class Dnsmasq implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/sbin/dnsmasq");
    private final Process process;
    private final String address;
    private final Path dir;

    private Dnsmasq(Process process, String address, Path dir) {
        this.process = process;
        this.address = address;
        this.dir = dir;
    }

    public static Builder on(String address) {
        return new Builder(address);
    }

    /**
     * @param zones the local zones (e.g. "example.com")
     * @param lines dnsmasq options without leading dashes, e.g. {@code txt-record=a.example.com,"v=spf1 -all"}
     *              (or made with {@link #txt}, {@link #mx}, {@link #host})
     */
    public static Dnsmasq start(String address, List<String> zones, List<String> lines) throws IOException {
        Builder b = on(address).ttl(300);
        zones.forEach(b::zone);
        lines.forEach(b::line);
        return b.start();
    }

    /** A TXT record line; values longer than 255 bytes become several strings, as DNS requires. */
    public static String txt(String name, String value) {
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < value.length(); i += 255) {
            strings.add(value.substring(i, Math.min(value.length(), i + 255)));
        }
        return txtStrings(name, value.isEmpty() ? List.of("") : strings);
    }

    /** A TXT record line made of exactly these character-strings. */
    public static String txtStrings(String name, List<String> strings) {
        StringBuilder sb = new StringBuilder("txt-record=").append(name);
        for (String s : strings) {
            sb.append(",\"").append(s.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return sb.toString();
    }

    /** An MX record line. */
    public static String mx(String domain, String host, int preference) {
        return "mx-host=" + domain + "," + host + "," + preference;
    }

    /** A/AAAA records of one name. */
    public static String host(String name, String... ips) {
        return "host-record=" + name + "," + String.join(",", ips);
    }

    /** The records of a test, then {@link #start}. */
    public static final class Builder {
        private final String address;
        private final Set<String> zones = new LinkedHashSet<>();
        private final List<String> lines = new ArrayList<>();
        private int ttl;

        private Builder(String address) {
            this.address = address;
        }

        public Builder zone(String domain) {
            zones.add(domain);
            return this;
        }

        public Builder txt(String name, String value) {
            return line(Dnsmasq.txt(name, value));
        }

        public Builder txtStrings(String name, String... strings) {
            return line(Dnsmasq.txtStrings(name, List.of(strings)));
        }

        public Builder mx(String domain, String host, int preference) {
            return line(Dnsmasq.mx(domain, host, preference));
        }

        public Builder host(String name, String... ips) {
            return line(Dnsmasq.host(name, ips));
        }

        public Builder ptr(String reverseName, String target) {
            return line("ptr-record=" + reverseName + "," + target);
        }

        public Builder cname(String alias, String target) {
            return line("cname=" + alias + "," + target);
        }

        /** TTL of every answer, in seconds. */
        public Builder ttl(int seconds) {
            ttl = seconds;
            return this;
        }

        /** Any dnsmasq option, without leading dashes. */
        public Builder line(String option) {
            lines.add(option);
            return this;
        }

        public Dnsmasq start() throws IOException {
            PeerTools.requireExecutable(BINARY.toString(), "dnsmasq-base");
            Path pid = Path.of(System.getProperty("java.io.tmpdir"), "mailsec-dnsmasq-" + address + ".pid");
            stopStale(pid);
            Path dir = Files.createTempDirectory("mailsec-dnsmasq-");
            List<String> c = new ArrayList<>(List.of("port=53", "listen-address=" + address, "bind-interfaces",
                    "no-resolv", "no-hosts", "no-negcache", "local-ttl=" + ttl));
            for (String z : zones) {
                c.add("local=/" + z + "/");
            }
            c.addAll(lines);
            Path conf = dir.resolve("dnsmasq.conf");
            Files.write(conf, c, StandardCharsets.UTF_8);
            Process p = new ProcessBuilder(BINARY.toString(), "--keep-in-foreground", "--conf-file=" + conf, "--pid-file=" + pid)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("dnsmasq.log").toFile()).start();
            Dnsmasq d = new Dnsmasq(p, address, dir);
            d.awaitUp();
            return d;
        }
    }

    /** Stops a dnsmasq an interrupted run left on this address (known by our pid file). */
    private static void stopStale(Path pid) throws IOException {
        if (!Files.exists(pid)) {
            return;
        }
        String id = Files.readString(pid).trim();
        Path cmdline = Path.of("/proc", id, "cmdline");
        if (!id.isEmpty() && Files.exists(cmdline) && Files.readString(cmdline).contains("mailsec-dnsmasq-")) {
            ProcessHandle.of(Long.parseLong(id)).ifPresent(h -> {
                h.destroy();
                h.onExit().join();
            });
        }
        Files.deleteIfExists(pid);
    }

    private void awaitUp() throws IOException {
        for (int i = 0; i < 200; i++) {
            if (!process.isAlive()) {
                throw new IllegalStateException("dnsmasq exited (port 53 on " + address + " needs root): "
                        + Files.readString(dir.resolve("dnsmasq.log")));
            }
            // dnsmasq also answers on TCP 53: a successful connect means it is serving.
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(address, 53), 200);
                return;
            } catch (IOException notYet) {
                sleep(50);
            }
        }
        close();
        throw new IllegalStateException("dnsmasq did not start on " + address + ":53");
    }

    public String address() {
        return address;
    }

    /**
     * Runs a command-line peer (dkimverify, opendkim-testmsg, spfquery...) with this server as its
     * only resolver: in a private mount namespace whose /etc/resolv.conf names it.
     */
    public PeerTools.Result run(byte[] stdin, String... command) throws IOException, InterruptedException {
        PeerTools.requireExecutable("unshare", "util-linux");
        PeerTools.requireExecutable(command[0], "the package that has " + command[0]);
        Path resolv = dir.resolve("resolv.conf");
        Files.writeString(resolv, "nameserver " + address + "\noptions timeout:2 attempts:1\n");
        List<String> cmd = new ArrayList<>(List.of("unshare", "-m", "sh", "-c",
                "mount --bind \"$0\" /etc/resolv.conf && exec \"$@\"", resolv.toString()));
        cmd.addAll(List.of(command));
        return PeerTools.run(cmd, null, stdin, 60);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

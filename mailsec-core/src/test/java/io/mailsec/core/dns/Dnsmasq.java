package io.mailsec.core.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real dnsmasq serving test zones on {@code address:53} (root may bind 53 on any 127.0.0.x).
 * Names under a {@code local=} zone that are not configured answer NXDOMAIN; configured names
 * without the asked type answer NODATA.
 */
public final class Dnsmasq implements AutoCloseable {
    private final Process process;
    private final String address;

    private Dnsmasq(Process process, String address) {
        this.process = process;
        this.address = address;
    }

    /**
     * @param zones the local zones (e.g. "example.com")
     * @param lines dnsmasq options without leading dashes, e.g. {@code txt-record=a.example.com,"v=spf1 -all"}
     */
    public static Dnsmasq start(String address, List<String> zones, List<String> lines) throws IOException {
        Path bin = Path.of("/usr/sbin/dnsmasq");
        if (!Files.isExecutable(bin)) {
            throw new IllegalStateException("dnsmasq is not installed: run ./scripts/install-test-deps.sh "
                    + "(or apt-get install dnsmasq-base)");
        }
        Path conf = Files.createTempFile("dnsmasq-", ".conf");
        List<String> c = new ArrayList<>(List.of("port=53", "listen-address=" + address, "bind-interfaces",
                "no-resolv", "no-hosts", "local-ttl=300"));
        for (String z : zones) {
            c.add("local=/" + z + "/");
        }
        c.addAll(lines);
        Files.write(conf, c);
        Process p = new ProcessBuilder(bin.toString(), "--keep-in-foreground", "--conf-file=" + conf,
                "--pid-file=" + conf + ".pid").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(Path.of(conf + ".log").toFile())).start();
        Dnsmasq d = new Dnsmasq(p, address);
        d.awaitUp(conf);
        return d;
    }

    private void awaitUp(Path conf) throws IOException {
        for (int i = 0; i < 100; i++) {
            if (!process.isAlive()) {
                throw new IllegalStateException("dnsmasq exited: " + Files.readString(Path.of(conf + ".log")));
            }
            // dnsmasq also answers on TCP 53: a successful connect means it is serving.
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(address, 53), 200);
                return;
            } catch (IOException notYet) {
                sleep(50);
            }
        }
        throw new IllegalStateException("dnsmasq did not start on " + address + ":53");
    }

    public String address() {
        return address;
    }

    /** A TXT record line; values longer than 255 bytes become several strings, as DNS requires. */
    public static String txt(String name, String value) {
        StringBuilder sb = new StringBuilder("txt-record=").append(name);
        for (int i = 0; i < value.length(); i += 255) {
            sb.append(",\"").append(value, i, Math.min(value.length(), i + 255)).append('"');
        }
        return sb.toString();
    }

    /** An MX record line. */
    public static String mx(String domain, String host, int preference) {
        return "mx-host=" + domain + "," + host + "," + preference;
    }

    /** An A (or AAAA) record line. */
    public static String host(String name, String ip) {
        return "host-record=" + name + "," + ip;
    }

    /**
     * Runs a command-line peer (dkimverify, opendkim-testmsg, spfquery...) with this server as its
     * only resolver: in a private mount namespace whose /etc/resolv.conf names it.
     * @return the exit code and the combined output
     */
    public ToolRun run(byte[] stdin, String... command) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of("/usr/bin/unshare"))) {
            throw new IllegalStateException("unshare is missing: apt-get install util-linux");
        }
        if (!onPath(command[0])) {
            throw new IllegalStateException(command[0] + " is missing: run ./scripts/install-test-deps.sh");
        }
        Path resolv = Files.createTempFile("resolv-", ".conf");
        Files.writeString(resolv, "nameserver " + address + "\noptions timeout:2 attempts:1\n");
        List<String> cmd = new ArrayList<>(List.of("unshare", "-m", "sh", "-c",
                "mount --bind \"$0\" /etc/resolv.conf && exec \"$@\"", resolv.toString()));
        cmd.addAll(List.of(command));
        Path out = Files.createTempFile("tool-", ".out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try (var in = p.getOutputStream()) {
            in.write(stdin);
        } catch (IOException exitedEarly) {
            // the tool's verdict is in its exit code and output
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish in 60 s");
        }
        return new ToolRun(p.exitValue(), Files.readString(out, java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/usr/sbin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** What a peer tool said. */
    public static final class ToolRun {
        public final int exitCode;
        public final String output;

        ToolRun(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + ": " + output;
        }
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

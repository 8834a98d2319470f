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

package io.mailsec.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real dnsmasq on 127.0.2.53:53 (the SPF/DMARC tests' address) for the spf/dmarc CLI tests. */
final class SpfTestDnsmasq implements AutoCloseable {
    static final String ADDRESS = "127.0.2.53";
    private final Process process;
    private final Path conf;

    SpfTestDnsmasq(List<String> lines) throws IOException, InterruptedException {
        Path bin = Path.of("/usr/sbin/dnsmasq");
        if (!Files.isExecutable(bin)) {
            throw new IllegalStateException("dnsmasq is missing: apt-get install dnsmasq-base (or run scripts/install-test-deps.sh)");
        }
        conf = Files.createTempFile("mailsec-cli-spf-dnsmasq", ".conf");
        List<String> c = new ArrayList<>(List.of("port=53", "listen-address=" + ADDRESS, "bind-interfaces", "no-resolv", "no-hosts",
                "local=/test/"));
        c.addAll(lines);
        Files.write(conf, c);
        process = new ProcessBuilder(bin.toString(), "--keep-in-foreground", "--conf-file=" + conf, "--pid-file=" + conf + ".pid")
                .redirectErrorStream(true).redirectOutput(Path.of(conf + ".log").toFile()).start();
        for (int i = 0; i < 100; i++) {
            if (!process.isAlive()) {
                throw new IllegalStateException("dnsmasq exited: " + Files.readString(Path.of(conf + ".log")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(ADDRESS, 53), 200);
                return;
            } catch (IOException e) {
                Thread.sleep(30);
            }
        }
        close();
        throw new IllegalStateException("dnsmasq did not start on " + ADDRESS + ":53");
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        Files.deleteIfExists(conf);
        Files.deleteIfExists(Path.of(conf + ".log"));
        Files.deleteIfExists(Path.of(conf + ".pid"));
    }
}

package io.mailsec.it.dkim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * dnsmasq on 127.0.1.53:53 (the DKIM area's loopback range) for the DKIM integration test, plus a way
 * to run command-line peers (dkimverify, opendkim-testmsg) with it as their system resolver.
 */
final class DkimDnsmasq implements AutoCloseable {
    static final String ADDRESS = "127.0.1.53";
    private final Path dir;
    private final Process process;

    DkimDnsmasq(List<String> configLines) throws IOException, InterruptedException {
        for (String tool : List.of("/usr/sbin/dnsmasq", "/usr/bin/dkimverify", "/usr/sbin/opendkim-testmsg", "/usr/bin/unshare")) {
            if (!Files.isExecutable(Path.of(tool))) {
                throw new AssertionError(tool + " is missing: apt-get install -y dnsmasq-base python3-dkim opendkim-tools util-linux");
            }
        }
        dir = Files.createTempDirectory("dkim-it-dns");
        List<String> conf = new ArrayList<>(List.of("port=53", "listen-address=" + ADDRESS, "bind-interfaces", "no-resolv",
                "no-hosts"));
        conf.addAll(configLines);
        Files.write(dir.resolve("dnsmasq.conf"), conf);
        Files.writeString(dir.resolve("resolv.conf"), "nameserver " + ADDRESS + "\noptions timeout:2 attempts:1\n");
        process = new ProcessBuilder("/usr/sbin/dnsmasq", "--keep-in-foreground", "--conf-file=" + dir.resolve("dnsmasq.conf"),
                "--pid-file=" + dir.resolve("pid")).redirectErrorStream(true).redirectOutput(dir.resolve("out").toFile()).start();
        Thread.sleep(300);
        if (!process.isAlive()) {
            throw new AssertionError("dnsmasq failed: " + Files.readString(dir.resolve("out")));
        }
    }

    /** TXT values longer than 255 bytes become several strings. */
    static String txt(String name, String value) {
        StringBuilder sb = new StringBuilder("txt-record=").append(name);
        for (int i = 0; i < value.length(); i += 255) {
            sb.append(",\"").append(value, i, Math.min(value.length(), i + 255)).append('"');
        }
        return sb.toString();
    }

    /** Runs a tool in a private mount namespace whose /etc/resolv.conf points at this server; returns exit code + output. */
    String[] run(byte[] stdin, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("unshare", "-m", "sh", "-c",
                "mount --bind \"$0\" /etc/resolv.conf && exec \"$@\"", dir.resolve("resolv.conf").toString()));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread t = new Thread(() -> {
            try {
                p.getInputStream().transferTo(out);
            } catch (IOException ignored) {
                // ended
            }
        });
        t.start();
        try (var in = p.getOutputStream()) {
            in.write(stdin);
        } catch (IOException ignored) {
            // tool may exit early
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        t.join();
        return new String[] {String.valueOf(p.exitValue()), out.toString(StandardCharsets.ISO_8859_1)};
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}

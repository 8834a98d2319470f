package io.mailsec.tls.peers;

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
 * A real nginx (Debian {@code nginx}) of its own — {@code -p prefix -c conf} in a directory of the
 * test, never the system's configuration — serving HTTPS on port 443 of one or more 127.0.x.y
 * addresses, one {@code server} block per name (chosen by SNI), each with its certificate and its
 * document root {@code www/<name>/}. The access log has one line per request,
 * {@code host uri status}, so tests can count fetches. A instance an interrupted run left on the
 * same first address is stopped first. Stopped by {@link PeerTools#closeAll} too.
 */
public final class NginxPeer implements AutoCloseable {
    private static final String BINARY = "/usr/sbin/nginx";
    private final Process process;
    private final Path dir;

    /** One {@code server} block. */
    public static final class Server {
        final String address;
        final String name;
        final Path cert;
        final Path key;
        final String directives;
        final boolean defaultServer;

        private Server(String address, String name, Path cert, Path key, String directives, boolean defaultServer) {
            this.address = address;
            this.name = name;
            this.cert = cert;
            this.key = key;
            this.directives = directives;
            this.defaultServer = defaultServer;
        }

        /** HTTPS for {@code name} on {@code address}:443 with {@code certAndKey} (as {@link TestPki#issue} writes them). */
        public static Server https(String address, String name, Path[] certAndKey) {
            return new Server(address, name, certAndKey[0], certAndKey[1], "", false);
        }

        /** Extra nginx directives inside the block, e.g. {@code limit_rate 40;} or a {@code location}. */
        public Server with(String moreDirectives) {
            return new Server(address, name, cert, key, directives + "\n    " + moreDirectives, defaultServer);
        }

        /** The block that answers connections whose SNI names no other block. */
        public Server asDefault() {
            return new Server(address, name, cert, key, directives, true);
        }
    }

    private NginxPeer(Process process, Path dir) {
        this.process = process;
        this.dir = dir;
    }

    /** Starts nginx in {@code dir} (its name should contain "mailsec-nginx" so a stale one is recognised). */
    public static NginxPeer start(Path dir, List<Server> servers) throws IOException {
        PeerTools.requireExecutable(BINARY, "nginx");
        Files.createDirectories(dir.resolve("logs"));
        Files.createDirectories(dir.resolve("tmp"));
        Set<String> addresses = new LinkedHashSet<>();
        servers.forEach(s -> addresses.add(s.address));
        Path pid = Path.of(System.getProperty("java.io.tmpdir"), "mailsec-nginx-" + addresses.iterator().next() + ".pid");
        stopStale(pid);
        List<String> c = new ArrayList<>(List.of(
                "daemon off;",
                // the test's files are private to root (temporary directories are 0700); the workers read them
                "user root;",
                "worker_processes 1;",
                "pid " + pid + ";",
                "error_log " + dir.resolve("logs/error.log") + " info;",
                "events { worker_connections 128; }",
                "http {",
                "  client_body_temp_path " + dir.resolve("tmp/body") + ";",
                "  proxy_temp_path " + dir.resolve("tmp/proxy") + ";",
                "  fastcgi_temp_path " + dir.resolve("tmp/fastcgi") + ";",
                "  uwsgi_temp_path " + dir.resolve("tmp/uwsgi") + ";",
                "  scgi_temp_path " + dir.resolve("tmp/scgi") + ";",
                "  log_format counted '$host $request_uri $status';",
                "  access_log " + dir.resolve("logs/access.log") + " counted;",
                "  types { text/plain txt; }",
                "  default_type application/octet-stream;",
                "  server_tokens off;"));
        for (Server s : servers) {
            Path root = Files.createDirectories(dir.resolve("www").resolve(s.name));
            c.add("  server {");
            c.add("    listen " + s.address + ":443 ssl" + (s.defaultServer ? " default_server" : "") + ";");
            c.add("    server_name " + s.name + ";");
            c.add("    ssl_certificate " + s.cert + ";");
            c.add("    ssl_certificate_key " + s.key + ";");
            c.add("    root " + root + ";");
            c.add("    " + s.directives.strip());
            c.add("  }");
        }
        c.add("}");
        Path conf = dir.resolve("nginx.conf");
        Files.write(conf, c, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(BINARY, "-p", dir.toString(), "-c", conf.toString(), "-e", dir.resolve("logs/error.log").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("logs/nginx.out").toFile()).start();
        NginxPeer n = new NginxPeer(p, dir);
        PeerTools.register(n);
        n.awaitUp(addresses);
        return n;
    }

    private void awaitUp(Set<String> addresses) throws IOException {
        for (String a : addresses) {
            for (int i = 0; ; i++) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("nginx exited (port 443 on " + a + " needs root): " + log("nginx.out") + log("error.log"));
                }
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(a, 443), 200);
                    break;
                } catch (IOException notYet) {
                    if (i > 100) {
                        close();
                        throw new IllegalStateException("nginx did not listen on " + a + ":443: " + log("error.log"));
                    }
                    sleep(50);
                }
            }
        }
    }

    /** Writes {@code content} as {@code path} (e.g. "/.well-known/mta-sts.txt") of server {@code name}. */
    public void write(String name, String path, String content) throws IOException {
        Path file = dir.resolve("www").resolve(name).resolve(path.substring(1));
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    /** How many requests with {@code Host: name} nginx has logged. */
    public long requests(String name) throws IOException {
        Path log = dir.resolve("logs/access.log");
        if (!Files.exists(log)) {
            return 0;
        }
        try (var lines = Files.lines(log)) {
            return lines.filter(l -> l.startsWith(name + " ")).count();
        }
    }

    private String log(String name) throws IOException {
        Path f = dir.resolve("logs").resolve(name);
        return Files.exists(f) ? Files.readString(f) : "";
    }

    private static void stopStale(Path pid) throws IOException {
        if (!Files.exists(pid)) {
            return;
        }
        String id = Files.readString(pid).trim();
        Path cmdline = Path.of("/proc", id, "cmdline");
        if (!id.isEmpty() && Files.exists(cmdline) && Files.readString(cmdline).contains("mailsec-nginx")) {
            ProcessHandle.of(Long.parseLong(id)).ifPresent(h -> {
                h.destroy();
                h.onExit().join();
            });
        }
        Files.deleteIfExists(pid);
    }

    @Override
    public void close() {
        // SIGTERM: nginx's fast shutdown, workers included
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

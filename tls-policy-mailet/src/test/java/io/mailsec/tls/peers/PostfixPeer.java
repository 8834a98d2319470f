package io.mailsec.tls.peers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.mailsec.core.peers.PeerTools;

/**
 * A non-default Postfix instance (per conformance/peers/README.md) listening on several
 * 127.0.4.x:25 addresses, each with its own TLS settings and certificate; all mail lands in one Maildir.
 */
public final class PostfixPeer implements AutoCloseable {
    private static final String SERVICES = String.join("\n",
            "pickup    unix  n       -       n       60      1       pickup",
            "cleanup   unix  n       -       n       -       0       cleanup",
            "qmgr      unix  n       -       n       300     1       qmgr",
            "tlsmgr    unix  -       -       n       1000?   1       tlsmgr",
            "rewrite   unix  -       -       n       -       -       trivial-rewrite",
            "bounce    unix  -       -       n       -       0       bounce",
            "defer     unix  -       -       n       -       0       bounce",
            "trace     unix  -       -       n       -       0       bounce",
            "verify    unix  -       -       n       -       1       verify",
            "flush     unix  n       -       n       1000?   0       flush",
            "proxymap  unix  -       -       n       -       -       proxymap",
            "smtp      unix  -       -       n       -       -       smtp",
            "relay     unix  -       -       n       -       -       smtp",
            "showq     unix  n       -       n       -       -       showq",
            "error     unix  -       -       n       -       -       error",
            "retry     unix  -       -       n       -       -       error",
            "discard   unix  -       -       n       -       -       discard",
            "local     unix  -       n       n       -       -       local",
            "virtual   unix  -       n       n       -       -       virtual",
            "lmtp      unix  -       -       n       -       -       lmtp",
            "anvil     unix  -       -       n       -       1       anvil",
            "scache    unix  -       -       n       -       1       scache",
            "postlog   unix-dgram n  -       n       -       1       postlogd",
            "");
    private final Path dir;
    private final List<String> addresses;

    /** One smtpd listener: address, extra {@code -o} options, certificate and key (may be null). */
    public static final class Listener {
        final String address;
        final String options;
        final Path cert;
        final Path key;

        public Listener(String address, String options, Path cert, Path key) {
            this.address = address;
            this.options = options;
            this.cert = cert;
            this.key = key;
        }
    }

    private PostfixPeer(Path dir, List<String> addresses) {
        this.dir = dir;
        this.addresses = addresses;
    }

    public static PostfixPeer start(Path dir, List<String> domains, List<Listener> listeners) throws Exception {
        return start(dir, domains, listeners, Map.of());
    }

    /**
     * As {@link #start(Path, List, List)}, with {@code hash:} lookup tables (file name under the
     * configuration directory -> source text) built by postmap before Postfix starts, for the
     * listeners' options to name as {@code hash:<configDirectory>/<name>}.
     */
    public static PostfixPeer start(Path dir, List<String> domains, List<Listener> listeners, Map<String, String> hashTables)
            throws Exception {
        PeerTools.requireExecutable("postfix", "postfix");
        for (String sub : new String[] {"etc", "spool", "data", "log", "mail"}) {
            Files.createDirectories(dir.resolve(sub));
        }
        run("chmod", "755", dir.toString());
        String main = String.join("\n",
                "compatibility_level = 3.6",
                "config_directory = " + dir.resolve("etc"),
                "queue_directory = " + dir.resolve("spool"),
                "data_directory = " + dir.resolve("data"),
                "mail_owner = postfix",
                "setgid_group = postdrop",
                "myhostname = mx.peer.tls.test",
                "mydomain = peer.tls.test",
                "myorigin = $myhostname",
                "inet_interfaces = all",
                "inet_protocols = ipv4",
                "mydestination =",
                "mynetworks = 127.0.0.0/8",
                "relayhost =",
                "alias_maps =",
                "alias_database =",
                "smtpd_banner = $myhostname ESMTP mailsec-tls-test-postfix",
                "maillog_file = " + dir.resolve("log/maillog"),
                "maillog_file_prefixes = " + dir.resolve("log"),
                "virtual_mailbox_domains = " + String.join(", ", domains),
                "virtual_mailbox_base = " + dir.resolve("mail"),
                "virtual_mailbox_maps = regexp:" + dir.resolve("etc/vmailbox.regexp"),
                "virtual_uid_maps = static:65534",
                "virtual_gid_maps = static:65534",
                "virtual_minimum_uid = 100",
                "smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination",
                "smtpd_tls_security_level = may",
                // A client that pipelines where RFC 2920 does not allow it is disconnected, so every test checks that.
                "smtpd_forbid_unauth_pipelining = yes",
                "smtpd_tls_loglevel = 1",
                "smtpd_tls_received_header = yes",
                "");
        Files.writeString(dir.resolve("etc/main.cf"), main);
        for (Listener l : listeners) {
            try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
                probe.bind(new InetSocketAddress(l.address, 25));
            } catch (IOException e) {
                throw new IllegalStateException(l.address + ":25 is already in use (a postfix left over from an interrupted run? "
                        + "find it with `ss -ltnp | grep " + l.address + ":25` and stop it with `postfix -c <its etc dir> stop`)");
            }
        }
        StringBuilder master = new StringBuilder();
        List<String> addrs = new ArrayList<>();
        for (Listener l : listeners) {
            master.append(l.address).append(":25 inet n - n - - smtpd");
            if (l.cert != null) {
                master.append(" -o smtpd_tls_cert_file=").append(l.cert).append(" -o smtpd_tls_key_file=").append(l.key);
            }
            if (l.options != null) {
                master.append(' ').append(l.options);
            }
            master.append('\n');
            addrs.add(l.address);
        }
        master.append(SERVICES);
        Files.writeString(dir.resolve("etc/master.cf"), master.toString());
        Files.writeString(dir.resolve("etc/vmailbox.regexp"), "/.*/ catchall/\n");
        for (Map.Entry<String, String> t : hashTables.entrySet()) {
            Path table = dir.resolve("etc").resolve(t.getKey());
            Files.writeString(table, t.getValue());
            run("postmap", "-c", dir.resolve("etc").toString(), "hash:" + table);
        }
        run("chown", "postfix:postfix", dir.resolve("data").toString());
        run("chown", "-R", "65534:65534", dir.resolve("mail").toString());
        PostfixPeer p = new PostfixPeer(dir, addrs);
        PeerTools.register(p);
        run("postfix", "-c", dir.resolve("etc").toString(), "start");
        for (String a : addrs) {
            waitListening(a, 25, Duration.ofSeconds(10));
        }
        return p;
    }

    static void waitListening(String host, int port, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 200);
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("nothing listening on " + host + ":" + port);
    }

    static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    /** The Maildir file holding {@code token}, waiting up to {@code wait}; null when none arrived. */
    public String message(String token, Duration wait) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        Path newDir = dir.resolve("mail/catchall/new");
        do {
            if (Files.isDirectory(newDir)) {
                try (Stream<Path> files = Files.list(newDir)) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        String s = Files.readString(f, StandardCharsets.ISO_8859_1);
                        if (s.contains(token)) {
                            return s;
                        }
                    }
                }
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        return null;
    }

    /** Every Maildir file (new/ and cur/) holding {@code token}, at this moment: a duplicate shows as two. */
    public List<String> messages(String token) throws IOException {
        List<String> found = new ArrayList<>();
        for (String sub : new String[] {"new", "cur"}) {
            Path d = dir.resolve("mail/catchall").resolve(sub);
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> files = Files.list(d)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    String s = Files.readString(f, StandardCharsets.ISO_8859_1);
                    if (s.contains(token)) {
                        found.add(s);
                    }
                }
            }
        }
        return found;
    }

    /** The instance's configuration directory (main.cf, master.cf; lookup tables a test adds may go there). */
    public Path configDirectory() {
        return dir.resolve("etc");
    }

    /** Rebuilds {@code hash:table} as an administrator does ({@code postmap}); smtpd processes notice the change. */
    public void postmap(Path table) throws Exception {
        run("postmap", "-c", configDirectory().toString(), "hash:" + table);
    }

    public String maillog() throws IOException {
        Path f = dir.resolve("log/maillog");
        return Files.exists(f) ? Files.readString(f, StandardCharsets.ISO_8859_1) : "";
    }

    @Override
    public void close() throws Exception {
        try {
            run("postfix", "-c", dir.resolve("etc").toString(), "stop");
        } catch (IllegalStateException e) {
            // already stopped
        }
    }
}

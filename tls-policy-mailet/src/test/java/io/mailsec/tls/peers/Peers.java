package io.mailsec.tls.peers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/** Cleanup of everything the tests started (also on JVM exit when a test dies), and peer checks. */
public final class Peers {
    private static final Deque<AutoCloseable> STARTED = new ArrayDeque<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Peers::closeAll));
    }

    private Peers() {
    }

    static synchronized void register(AutoCloseable c) {
        STARTED.push(c);
    }

    /**
     * The project's DNS fixture serving {@code localZone} with an MX and an A record per domain
     * (domain -> {mx host, IPv4}), closed by {@link #closeAll}.
     */
    public static io.mailsec.core.dns.Dnsmasq dns(String address, String localZone, java.util.Map<String, String[]> mx)
            throws java.io.IOException {
        io.mailsec.core.dns.Dnsmasq.Builder b = io.mailsec.core.dns.Dnsmasq.on(address).zone(localZone);
        mx.forEach((domain, host) -> b.mx(domain, host[0], 10).host(host[0], host[1]));
        io.mailsec.core.dns.Dnsmasq d = b.start();
        register(d);
        return d;
    }

    public static synchronized void closeAll() {
        while (!STARTED.isEmpty()) {
            try {
                STARTED.pop().close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    /** Fails (never skips) when a peer binary is missing, saying how to install it. */
    public static void requireBinary(String binary, String debianPackage) {
        for (String dir : new String[] {"/usr/sbin", "/usr/bin", "/sbin", "/bin"}) {
            if (Files.isExecutable(Path.of(dir, binary))) {
                return;
            }
        }
        throw new IllegalStateException(binary + " is missing: install it with `apt-get install " + debianPackage
                + "` (or run scripts/install-test-deps.sh as root)");
    }

    public static void requireRoot() {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("these tests bind port 25/53 on 127.0.4.x and must run as root");
        }
    }
}

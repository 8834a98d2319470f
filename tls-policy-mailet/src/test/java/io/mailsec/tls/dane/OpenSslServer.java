package io.mailsec.tls.dane;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.mailsec.core.peers.PeerTools;

/** {@code openssl s_server} serving one certificate chain on a loopback address until closed. */
final class OpenSslServer implements AutoCloseable {
    final String host;
    final int port;
    private final Process process;

    private OpenSslServer(String host, int port, Process process) {
        this.host = host;
        this.port = port;
        this.process = process;
    }

    /** Serves {@code cert} with {@code key}, sending {@code chain} (may be null) after it. */
    static OpenSslServer start(String host, int port, Path cert, Path key, Path chain, Path log) throws Exception {
        String openssl = PeerTools.requireExecutable("openssl", "openssl");
        List<String> cmd = new ArrayList<>(List.of(openssl, "s_server", "-accept", host + ":" + port, "-cert", cert.toString(),
                "-key", key.toString(), "-quiet"));
        if (chain != null) {
            cmd.addAll(List.of("-cert_chain", chain.toString()));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        OpenSslServer s = new OpenSslServer(host, port, p);
        PeerTools.register(s);
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("openssl s_server on " + host + ":" + port + " exited: " + Files.readString(log));
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress(host, port), 500);
                return s;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        s.close();
        throw new IllegalStateException("openssl s_server on " + host + ":" + port + " did not listen within 10 s");
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}

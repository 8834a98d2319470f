package io.mailsec.tls.peers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.mailsec.core.peers.PeerTools;

/**
 * A relay in front of a real SMTP server that loses the connection in the middle of the message, the
 * way a crashing peer or a broken link does: in each of the first {@code cuts} sessions it forwards the
 * dialogue up to DATA and the first {@code cutAfter} bytes of message lines, then closes both sides,
 * so the server never gets the final dot (it must discard what it has) and the client sees the
 * connection go before any end-of-data reply. Later sessions pass untouched. Plaintext only (a line
 * relay cannot carry TLS), so the upstream must not offer STARTTLS.
 */
public final class CutDataRelay implements AutoCloseable {
    /** What one client session sent through the relay. */
    public static final class Session {
        private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        private volatile boolean cut;
        private volatile boolean finalDot;
        private volatile long messageBytes;

        /** Every line the client sent that the relay forwarded (commands and message lines). */
        public List<String> lines() {
            synchronized (lines) {
                return new ArrayList<>(lines);
            }
        }

        /** The relay closed this session in the middle of the message. */
        public boolean cut() {
            return cut;
        }

        /** The terminating "." of a message went to the server. */
        public boolean finalDot() {
            return finalDot;
        }

        /** Message bytes (after DATA, line ends included) forwarded to the server. */
        public long messageBytes() {
            return messageBytes;
        }
    }

    private final ServerSocket server;
    private final InetSocketAddress upstream;
    private final int cuts;
    private final int cutAfter;
    private final List<Session> sessions = Collections.synchronizedList(new ArrayList<>());
    private final Thread acceptor;

    private CutDataRelay(ServerSocket server, InetSocketAddress upstream, int cuts, int cutAfter) {
        this.server = server;
        this.upstream = upstream;
        this.cuts = cuts;
        this.cutAfter = cutAfter;
        this.acceptor = new Thread(this::acceptLoop, "cut-data-relay");
        this.acceptor.setDaemon(true);
    }

    /**
     * @param cuts how many sessions, from the first, are cut mid-message
     * @param cutAfter message bytes forwarded before the cut; a message shorter than this is not cut
     */
    public static CutDataRelay start(String address, int port, InetSocketAddress upstream, int cuts, int cutAfter) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getByName(address), port));
        CutDataRelay r = new CutDataRelay(s, upstream, cuts, cutAfter);
        PeerTools.register(r);
        r.acceptor.start();
        return r;
    }

    /** The sessions so far, in the order they were accepted. */
    public List<Session> sessions() {
        synchronized (sessions) {
            return new ArrayList<>(sessions);
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Session session = new Session();
                boolean cutThis;
                synchronized (sessions) {
                    sessions.add(session);
                    cutThis = sessions.size() <= cuts;
                }
                Socket up = new Socket();
                up.connect(upstream, 5000);
                Thread t1 = new Thread(() -> pumpClient(client, up, session, cutThis), "cut-relay-c2s");
                Thread t2 = new Thread(() -> pumpServer(up, client), "cut-relay-s2c");
                t1.setDaemon(true);
                t2.setDaemon(true);
                t1.start();
                t2.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pumpClient(Socket client, Socket up, Session session, boolean cutThis) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.ISO_8859_1))) {
            OutputStream out = up.getOutputStream();
            boolean inMessage = false;
            String line;
            while ((line = in.readLine()) != null) {
                if (inMessage && cutThis && session.messageBytes + line.length() + 2 > cutAfter && !line.equals(".")) {
                    session.cut = true;
                    return; // both sides closed below, the rest of the message never reaches the server
                }
                out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                session.lines.add(line);
                if (inMessage) {
                    if (line.equals(".")) {
                        session.finalDot = true;
                        inMessage = false;
                    } else {
                        session.messageBytes += line.length() + 2;
                    }
                } else if (line.equalsIgnoreCase("DATA")) {
                    // our client sends the message only after the 354, so what follows DATA is the message
                    inMessage = true;
                }
            }
        } catch (IOException ignored) {
            // connection ends
        } finally {
            closeQuietly(up);
            closeQuietly(client);
        }
    }

    private static void pumpServer(Socket up, Socket client) {
        try (InputStream in = up.getInputStream()) {
            OutputStream out = client.getOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) != -1) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException ignored) {
            // connection ends
        } finally {
            closeQuietly(up);
            closeQuietly(client);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}

package io.mailsec.tls.peers;

import java.io.BufferedReader;
import java.io.IOException;
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
 * A man in the middle that removes STARTTLS from the server's EHLO reply (the downgrade attack of
 * RFC 3207 §6 / RFC 8461 motivation) and otherwise relays lines both ways. It records every
 * command line the client sent, so a test can prove the upstream never saw MAIL FROM or DATA.
 */
public final class StripTlsRelay implements AutoCloseable {
    private final ServerSocket server;
    private final InetSocketAddress upstream;
    private final List<String> clientLines = Collections.synchronizedList(new ArrayList<>());
    private final Thread acceptor;

    private StripTlsRelay(ServerSocket server, InetSocketAddress upstream) {
        this.server = server;
        this.upstream = upstream;
        this.acceptor = new Thread(this::acceptLoop, "strip-tls-relay");
        this.acceptor.setDaemon(true);
    }

    public static StripTlsRelay start(String address, int port, InetSocketAddress upstream) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getByName(address), port));
        StripTlsRelay r = new StripTlsRelay(s, upstream);
        PeerTools.register(r);
        r.acceptor.start();
        return r;
    }

    /** Every line the client sent through the relay (commands and message lines). */
    public List<String> clientLines() {
        synchronized (clientLines) {
            return new ArrayList<>(clientLines);
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket up = new Socket();
                up.connect(upstream, 5000);
                Thread t1 = new Thread(() -> pumpClient(client, up), "relay-c2s");
                Thread t2 = new Thread(() -> pumpServer(up, client), "relay-s2c");
                t1.setDaemon(true);
                t2.setDaemon(true);
                t1.start();
                t2.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pumpClient(Socket client, Socket up) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.ISO_8859_1))) {
            OutputStream out = up.getOutputStream();
            String line;
            while ((line = in.readLine()) != null) {
                clientLines.add(line);
                out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
        } catch (IOException ignored) {
            // connection ends
        } finally {
            closeQuietly(up);
            closeQuietly(client);
        }
    }

    private void pumpServer(Socket up, Socket client) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(up.getInputStream(), StandardCharsets.ISO_8859_1))) {
            OutputStream out = client.getOutputStream();
            List<String> reply = new ArrayList<>();
            String line;
            while ((line = in.readLine()) != null) {
                reply.add(line);
                if (line.length() > 3 && line.charAt(3) == '-') {
                    continue;
                }
                // complete reply: drop STARTTLS lines, fix the continuation marks
                List<String> kept = new ArrayList<>();
                for (String l : reply) {
                    if (l.length() > 4 && l.substring(4).trim().equalsIgnoreCase("STARTTLS")) {
                        continue;
                    }
                    kept.add(l);
                }
                for (int i = 0; i < kept.size(); i++) {
                    String l = kept.get(i);
                    String fixed = l.length() >= 4 ? l.substring(0, 3) + (i == kept.size() - 1 ? ' ' : '-') + l.substring(4) : l;
                    out.write((fixed + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                }
                out.flush();
                reply.clear();
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

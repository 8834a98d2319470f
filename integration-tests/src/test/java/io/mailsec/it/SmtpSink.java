package io.mailsec.it;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A minimal receiving SMTP server (no STARTTLS) that keeps each message's DATA bytes, for outbound tests. */
public final class SmtpSink implements AutoCloseable {
    private final ServerSocket server;
    private final LinkedBlockingQueue<byte[]> messages = new LinkedBlockingQueue<>();
    private final Thread acceptor;

    public SmtpSink(String address, int port) throws IOException {
        server = new ServerSocket(port, 50, InetAddress.getByName(address));
        acceptor = new Thread(this::acceptLoop, "smtp-sink");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The next received message, or null after the timeout. */
    public byte[] next(long seconds) throws InterruptedException {
        return messages.poll(seconds, TimeUnit.SECONDS);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> session(s), "smtp-sink-session");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void session(Socket s) {
        try (s) {
            s.setSoTimeout(60000);
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            say(out, "220 sink.remote.test ESMTP test sink");
            String line;
            while ((line = readLine(in)) != null) {
                String cmd = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
                switch (cmd) {
                    case "EHLO":
                        say(out, "250-sink.remote.test\r\n250 8BITMIME");
                        break;
                    case "DATA":
                        say(out, "354 go ahead");
                        messages.add(readData(in));
                        say(out, "250 2.0.0 accepted");
                        break;
                    case "QUIT":
                        say(out, "221 bye");
                        return;
                    default:
                        say(out, "250 ok");
                }
            }
        } catch (IOException e) {
            // connection ended
        }
    }

    private static byte[] readData(InputStream in) throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        String line;
        while ((line = readLine(in)) != null && !line.equals(".")) {
            if (line.startsWith(".")) {
                line = line.substring(1);
            }
            data.write(line.getBytes(StandardCharsets.ISO_8859_1));
            data.write('\r');
            data.write('\n');
        }
        return data.toByteArray();
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                byte[] l = b.toByteArray();
                int n = l.length > 0 && l[l.length - 1] == '\r' ? l.length - 1 : l.length;
                return new String(l, 0, n, StandardCharsets.ISO_8859_1);
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    private static void say(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}

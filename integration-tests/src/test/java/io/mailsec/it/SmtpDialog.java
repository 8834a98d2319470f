package io.mailsec.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** A line-level SMTP client for tests that need to see exact replies (and send what clients shouldn't). */
public final class SmtpDialog implements AutoCloseable {
    private Socket socket;
    private BufferedReader in;
    private OutputStream out;

    private SmtpDialog(Socket socket) throws IOException {
        attach(socket);
    }

    public static SmtpDialog connect(String host, int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(host, port), 5000);
        s.setSoTimeout(30000);
        return new SmtpDialog(s);
    }

    /** Connects from a given local address (e.g. 127.0.6.10, so the server does not see a trusted 127.0.0.1). */
    public static SmtpDialog connectFrom(String localAddress, String host, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(localAddress, 0));
        s.connect(new InetSocketAddress(host, port), 5000);
        s.setSoTimeout(30000);
        return new SmtpDialog(s);
    }

    /** Implicit TLS (SMTPS). */
    public static SmtpDialog connectTls(SSLContext ctx, String host, int port) throws IOException {
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket();
        s.connect(new InetSocketAddress(host, port), 5000);
        s.setSoTimeout(30000);
        s.startHandshake();
        return new SmtpDialog(s);
    }

    private void attach(Socket s) throws IOException {
        this.socket = s;
        this.in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
        this.out = s.getOutputStream();
    }

    /** Reads one (possibly multi-line) reply; returns all its lines. */
    public List<String> reply() throws IOException {
        List<String> lines = new ArrayList<>();
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                lines.add("(connection closed)");
                return lines;
            }
            lines.add(line);
        } while (line.length() > 3 && line.charAt(3) == '-');
        return lines;
    }

    public List<String> command(String cmd) throws IOException {
        out.write((cmd + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return reply();
    }

    /** Sends STARTTLS and upgrades the connection; returns the STARTTLS reply. */
    public List<String> startTls(SSLContext ctx, String host) throws IOException {
        List<String> r = command("STARTTLS");
        if (!r.get(0).startsWith("220")) {
            return r;
        }
        SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(socket, host, socket.getPort(), true);
        tls.setUseClientMode(true);
        tls.startHandshake();
        attach(tls);
        return r;
    }

    /**
     * One message over this connection, after the greeting: EHLO, MAIL FROM, RCPT TO, DATA with the
     * bytes exactly as given (they must end in CRLF and have no line that starts with a dot). Each
     * step must be accepted; returns the reply to the end of data.
     */
    public List<String> send(String helo, String from, List<String> recipients, byte[] message) throws IOException {
        expect(250, command("EHLO " + helo));
        expect(250, command("MAIL FROM:<" + from + ">"));
        for (String r : recipients) {
            expect(250, command("RCPT TO:<" + r + ">"));
        }
        expect(354, command("DATA"));
        out.write(message);
        out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return reply();
    }

    private static void expect(int code, List<String> reply) throws IOException {
        if (code(reply) != code) {
            throw new IOException("expected " + code + ", server said " + reply);
        }
    }

    public Socket socket() {
        return socket;
    }

    public static int code(List<String> reply) {
        return Integer.parseInt(reply.get(reply.size() - 1).substring(0, 3));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

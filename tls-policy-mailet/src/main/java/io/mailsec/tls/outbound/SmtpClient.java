package io.mailsec.tls.outbound;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A minimal SMTP client (RFC 5321) with STARTTLS (RFC 3207) over a socket it owns, so that every step
 * is explicit and a TLS requirement cannot be bypassed: nothing after EHLO is sent unless the caller
 * decided so. Not thread-safe; one instance per connection.
 */
public final class SmtpClient implements Closeable {
    private final String host;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final Set<String> extensions = new LinkedHashSet<>();
    private final java.util.Map<String, String> extensionParameters = new java.util.HashMap<>();
    private SSLSession sslSession;

    private final SmtpTimeouts timeouts;

    private SmtpClient(String host, SmtpTimeouts timeouts) {
        this.host = host;
        this.timeouts = timeouts;
    }

    /** Connects with one timeout for every reply (tools and tests). */
    public static SmtpClient connect(String host, InetSocketAddress address, int connectTimeoutMs, int readTimeoutMs) throws IOException {
        return connect(host, address, null, connectTimeoutMs, readTimeoutMs);
    }

    /** As {@link #connect(String, InetSocketAddress, int, int)}, from the given local address (null: any). */
    public static SmtpClient connect(String host, InetSocketAddress address, java.net.InetAddress localAddress, int connectTimeoutMs,
                                     int readTimeoutMs) throws IOException {
        Duration read = Duration.ofMillis(readTimeoutMs);
        return connect(host, address, localAddress, new SmtpTimeouts(Duration.ofMillis(connectTimeoutMs), read, read, read, read));
    }

    /** Connects (the greeting is read by {@link #greeting}). */
    public static SmtpClient connect(String host, InetSocketAddress address, SmtpTimeouts timeouts) throws IOException {
        return connect(host, address, null, timeouts);
    }

    /** As {@link #connect(String, InetSocketAddress, SmtpTimeouts)}, from the given local address (null: any). */
    public static SmtpClient connect(String host, InetSocketAddress address, java.net.InetAddress localAddress,
                                     SmtpTimeouts timeouts) throws IOException {
        SmtpClient c = new SmtpClient(host, timeouts);
        Socket s = new Socket();
        try {
            if (localAddress != null) {
                s.bind(new InetSocketAddress(localAddress, 0));
            }
            s.connect(address, SmtpTimeouts.millis(timeouts.connect));
            s.setSoTimeout(SmtpTimeouts.millis(timeouts.greeting));
        } catch (IOException e) {
            s.close();
            throw e;
        }
        c.attach(s);
        return c;
    }

    private void attach(Socket s) throws IOException {
        this.socket = s;
        // Buffered: a reply is read line by line, not a system call per byte. Nothing is buffered across
        // STARTTLS: the server sends nothing between its 220 and the handshake.
        this.in = new BufferedInputStream(s.getInputStream(), 4096);
        this.out = new BufferedOutputStream(s.getOutputStream(), 16 * 1024);
    }

    /** Our address on this connection ("192.0.2.10"), null once closed. */
    public String localAddress() {
        Socket s = socket;
        return s == null || s.getLocalAddress() == null ? null : s.getLocalAddress().getHostAddress();
    }

    public String host() {
        return host;
    }

    public SmtpReply greeting() throws IOException {
        socket.setSoTimeout(SmtpTimeouts.millis(timeouts.greeting));
        return read();
    }

    /** EHLO, falling back to HELO when EHLO is refused; records the advertised extensions. */
    public SmtpReply ehlo(String heloName) throws IOException {
        extensions.clear();
        extensionParameters.clear();
        SmtpReply r = command("EHLO " + heloName);
        if (r.code() == 250) {
            for (int i = 1; i < r.lines().size(); i++) {
                String l = r.lines().get(i).trim();
                int sp = l.indexOf(' ');
                String keyword = (sp < 0 ? l : l.substring(0, sp)).toUpperCase(Locale.ROOT);
                extensions.add(keyword);
                extensionParameters.put(keyword, sp < 0 ? "" : l.substring(sp + 1).trim());
            }
            return r;
        }
        if (r.isPermanent()) {
            return command("HELO " + heloName);
        }
        return r;
    }

    public boolean supports(String extension) {
        return extensions.contains(extension.toUpperCase(Locale.ROOT));
    }

    /** The parameters the server gave an extension in its EHLO reply ("" when none, null when not offered). */
    public String extensionParameter(String extension) {
        return extensionParameters.get(extension.toUpperCase(Locale.ROOT));
    }

    /**
     * Sends STARTTLS; on 220 layers TLS over the socket and completes the handshake (SNI = host).
     * Returns the reply; the session is then available from {@link #sslSession()}.
     * A handshake failure throws {@link javax.net.ssl.SSLException} (and the connection is unusable).
     */
    public SmtpReply startTls(SSLSocketFactory factory) throws IOException {
        SmtpReply r = command("STARTTLS");
        if (r.code() != 220) {
            return r;
        }
        SSLSocket ssl = (SSLSocket) factory.createSocket(socket, host, socket.getPort(), true);
        ssl.setUseClientMode(true);
        ssl.setSoTimeout(socket.getSoTimeout());
        ssl.startHandshake();
        attach(ssl);
        sslSession = ssl.getSession();
        extensions.clear();
        return r;
    }

    public SSLSession sslSession() {
        return sslSession;
    }

    public boolean isTls() {
        return sslSession != null;
    }

    public SmtpReply mailFrom(String sender) throws IOException {
        return mailFrom(sender, "");
    }

    /** MAIL FROM with ESMTP parameters (e.g. " SIZE=1234 SMTPUTF8"), each with its leading space. */
    public SmtpReply mailFrom(String sender, String parameters) throws IOException {
        return command("MAIL FROM:<" + (sender == null ? "" : sender) + ">" + parameters);
    }

    public SmtpReply rcptTo(String recipient) throws IOException {
        return command("RCPT TO:<" + recipient + ">");
    }

    /** Message writer: writes the message as it is stored (CRLF line ends) to the given stream. */
    public interface MessageWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    /** DATA, the message with dot-stuffing and bare LF turned into CRLF, then the final reply. */
    public SmtpReply data(MessageWriter message) throws IOException {
        SmtpReply r = command("DATA");
        if (r.code() != 354) {
            return r;
        }
        return message(message);
    }

    /**
     * RFC 2920: the commands in one write, then one reply per command, in order. Only for a server that
     * offers PIPELINING, and only with commands the RFC lets go in a group (the last may be DATA).
     */
    public List<SmtpReply> pipeline(List<String> lines) throws IOException {
        socket.setSoTimeout(SmtpTimeouts.millis(timeouts.command));
        StringBuilder group = new StringBuilder();
        for (String line : lines) {
            group.append(line).append("\r\n");
        }
        out.write(group.toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
        List<SmtpReply> replies = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            replies.add(read());
        }
        return replies;
    }

    /**
     * After a 354: the message with dot-stuffing and bare LF turned into CRLF, then the final reply.
     * A null message sends the lone terminating dot (RFC 2920 §3.1: DATA accepted although no RCPT was).
     */
    public SmtpReply message(MessageWriter message) throws IOException {
        DotStuffingOutputStream dot = new DotStuffingOutputStream(out);
        if (message != null) {
            message.writeTo(dot);
        }
        dot.finish();
        out.flush();
        socket.setSoTimeout(SmtpTimeouts.millis(timeouts.dataEnd));
        return read();
    }

    public void quit() {
        try {
            command("QUIT");
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    public SmtpReply command(String line) throws IOException {
        socket.setSoTimeout(SmtpTimeouts.millis(timeouts.command));
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return read();
    }

    private SmtpReply read() throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String l = readLine();
            if (l == null) {
                throw new IOException("connection closed by " + host);
            }
            if (l.length() < 3) {
                throw new IOException("malformed reply from " + host + ": " + l);
            }
            int code;
            try {
                code = Integer.parseInt(l.substring(0, 3));
            } catch (NumberFormatException e) {
                throw new IOException("malformed reply from " + host + ": " + l);
            }
            lines.add(l.length() > 4 ? l.substring(4) : "");
            if (l.length() == 3 || l.charAt(3) != '-') {
                return new SmtpReply(code, lines);
            }
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(128);
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                byte[] bytes = b.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.UTF_8);
            }
            if (b.size() > 4096) {
                throw new IOException("reply line too long from " + host);
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            if (socket != null) {
                socket.close();
            }
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    /** RFC 5321 §4.5.2 transparency plus CRLF normalisation, ending with CRLF.CRLF. */
    static final class DotStuffingOutputStream extends OutputStream {
        private final OutputStream out;
        private boolean atLineStart = true;
        private boolean lastCr;

        DotStuffingOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            if (b == '\n' && !lastCr) {
                out.write('\r');
            }
            if (atLineStart && b == '.') {
                out.write('.');
            }
            if (lastCr && b != '\n') {
                out.write('\n');
                atLineStart = true;
                if (b == '.') {
                    out.write('.');
                }
            }
            out.write(b);
            lastCr = b == '\r';
            atLineStart = b == '\n';
        }

        @Override
        public void write(byte[] buf, int off, int len) throws IOException {
            // Mid-line bytes other than CR/LF pass through unchanged: copy them in runs, not byte by byte.
            int end = off + len;
            int run = off;
            for (int i = off; i < end; i++) {
                byte b = buf[i];
                if (!lastCr && !atLineStart && b != '\r' && b != '\n') {
                    continue;
                }
                out.write(buf, run, i - run);
                write(b & 0xff);
                run = i + 1;
            }
            out.write(buf, run, end - run);
        }

        void finish() throws IOException {
            if (lastCr) {
                out.write('\n');
            } else if (!atLineStart) {
                out.write('\r');
                out.write('\n');
            }
            out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public void flush() {
            // flushed by the client after the final dot
        }

        @Override
        public void close() {
            // the socket stays open
        }
    }
}

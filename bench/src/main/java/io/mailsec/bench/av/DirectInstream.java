package io.mailsec.bench.av;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The baseline: a plain clamd client as clamdscan --stream does it, one TCP connection per
 * INSTREAM, the whole part in one chunk. No MIME parsing, no pooling.
 */
final class DirectInstream {
    private DirectInstream() {
    }

    static String scan(String host, int port, byte[] data) throws IOException {
        try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), 2000);
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            byte[] head = "zINSTREAM\0".getBytes(StandardCharsets.US_ASCII);
            byte[] msg = new byte[head.length + 4 + data.length + 4];
            System.arraycopy(head, 0, msg, 0, head.length);
            int n = data.length;
            msg[head.length] = (byte) (n >>> 24);
            msg[head.length + 1] = (byte) (n >>> 16);
            msg[head.length + 2] = (byte) (n >>> 8);
            msg[head.length + 3] = (byte) n;
            System.arraycopy(data, 0, msg, head.length + 4, n);
            out.write(msg); // trailing 4 zero bytes already there
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream reply = new ByteArrayOutputStream(64);
            int b;
            while ((b = in.read()) > 0) {
                reply.write(b);
            }
            return reply.toString(StandardCharsets.US_ASCII);
        }
    }
}

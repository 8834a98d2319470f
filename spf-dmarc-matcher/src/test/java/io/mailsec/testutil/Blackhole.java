package io.mailsec.testutil;

import java.net.DatagramSocket;
import java.net.InetAddress;

/** A UDP socket on 127.0.2.54 that receives DNS queries and never answers: DNS timeouts on demand. */
public final class Blackhole implements AutoCloseable {
    private final DatagramSocket socket;

    public Blackhole() throws Exception {
        socket = new DatagramSocket(0, InetAddress.getByName("127.0.2.54"));
    }

    /** "127.0.2.54:port" for DnsjavaResolver / dnsServers parameters. */
    public String server() {
        return "127.0.2.54:" + socket.getLocalPort();
    }

    @Override
    public void close() {
        socket.close();
    }
}

package io.mailsec.core.dns.dnssec;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * A DNS server that never answers: UDP and TCP port 53 bound and never read, so queries vanish
 * (no ICMP "port unreachable", which would fail them at once) and TCP connections are accepted by
 * the kernel but get no reply. The authority of a delegation that times out.
 */
final class BlackHole implements AutoCloseable {
    private final DatagramSocket udp;
    private final ServerSocket tcp;

    BlackHole(String address) throws IOException {
        InetAddress a = InetAddress.getByName(address);
        udp = new DatagramSocket(new InetSocketAddress(a, 53));
        tcp = new ServerSocket();
        tcp.setReuseAddress(true);
        tcp.bind(new InetSocketAddress(a, 53), 50);
    }

    @Override
    public void close() {
        udp.close();
        try {
            tcp.close();
        } catch (IOException ignored) {
            // closing a listening socket that was never accepted on
        }
    }
}

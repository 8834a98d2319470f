package io.mailsec.core.dns.transport;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A DNS server for transport tests and the stall benchmark, on UDP and TCP of one loopback address:
 * every A query is answered with 192.0.2.1 after a fixed delay, and the first label of the name
 * scripts misbehaviour: {@code spoof-*} gets a datagram with a wrong ID first, {@code other-*} an
 * answer for another name, {@code tc-*} a truncated UDP answer (the full one over TCP), {@code silent-*}
 * no answer. Counts the queries it saw per transport.
 */
public final class ScriptedDnsServer implements AutoCloseable {
    public static final String ANSWER = "192.0.2.1";
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final long delayMillis;
    private final ScheduledExecutorService replies = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "scripted-dns-reply");
        t.setDaemon(true);
        return t;
    });
    public final AtomicInteger udpQueries = new AtomicInteger();
    public final AtomicInteger tcpQueries = new AtomicInteger();

    private ScriptedDnsServer(DatagramSocket udp, ServerSocket tcp, long delayMillis) {
        this.udp = udp;
        this.tcp = tcp;
        this.delayMillis = delayMillis;
    }

    /** Listens on {@code address}:{@code port} (0: any free port, the same for UDP and TCP when possible). */
    public static ScriptedDnsServer start(String address, int port, long delayMillis) throws IOException {
        InetAddress a = InetAddress.getByName(address);
        DatagramSocket udp = new DatagramSocket(new InetSocketAddress(a, port));
        udp.setReceiveBufferSize(4 << 20);
        ServerSocket tcp = new ServerSocket();
        tcp.bind(new InetSocketAddress(a, udp.getLocalPort()));
        ScriptedDnsServer s = new ScriptedDnsServer(udp, tcp, delayMillis);
        Thread u = new Thread(s::serveUdp, "scripted-dns-udp");
        u.setDaemon(true);
        u.start();
        Thread t = new Thread(s::serveTcp, "scripted-dns-tcp");
        t.setDaemon(true);
        t.start();
        return s;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) udp.getLocalSocketAddress();
    }

    private void serveUdp() {
        byte[] buf = new byte[65535];
        while (!udp.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                udp.receive(p);
                udpQueries.incrementAndGet();
                Message q = new Message(java.util.Arrays.copyOf(p.getData(), p.getLength()));
                InetSocketAddress from = (InetSocketAddress) p.getSocketAddress();
                String label = q.getQuestion().getName().getLabelString(0);
                if (label.startsWith("silent-")) {
                    continue;
                }
                replies.schedule(() -> reply(q, from, label), delayMillis, TimeUnit.MILLISECONDS);
            } catch (IOException e) {
                // closed, or a datagram that is not DNS: go on
            }
        }
    }

    private void reply(Message q, InetSocketAddress to, String label) {
        try {
            if (label.startsWith("spoof-")) {
                Message spoofed = answer(q, q.getQuestion().getName());
                spoofed.getHeader().setID((q.getHeader().getID() + 1) & 0xFFFF);
                send(spoofed.toWire(), to);
            }
            Message a = answer(q, label.startsWith("other-") ? Name.fromString("elsewhere.test.") : q.getQuestion().getName());
            if (label.startsWith("tc-")) {
                a.removeAllRecords(Section.ANSWER);
                a.getHeader().setFlag(Flags.TC);
            }
            send(a.toWire(), to);
        } catch (IOException e) {
            // the client is gone
        }
    }

    private void send(byte[] wire, InetSocketAddress to) throws IOException {
        udp.send(new DatagramPacket(wire, wire.length, to));
    }

    private static Message answer(Message q, Name name) throws IOException {
        Message a = new Message(q.getHeader().getID());
        a.getHeader().setFlag(Flags.QR);
        a.getHeader().setFlag(Flags.RA);
        a.addRecord(Record.newRecord(name, q.getQuestion().getType(), DClass.IN), Section.QUESTION);
        if (q.getQuestion().getType() == Type.A) {
            a.addRecord(new ARecord(name, DClass.IN, 60, InetAddress.getByName(ANSWER)), Section.ANSWER);
        }
        return a;
    }

    private void serveTcp() {
        while (!tcp.isClosed()) {
            try (Socket s = tcp.accept()) {
                tcpQueries.incrementAndGet();
                DataInputStream in = new DataInputStream(s.getInputStream());
                byte[] query = new byte[in.readUnsignedShort()];
                in.readFully(query);
                Message q = new Message(query);
                byte[] out = answer(q, q.getQuestion().getName()).toWire();
                DataOutputStream o = new DataOutputStream(s.getOutputStream());
                o.writeShort(out.length);
                o.write(out);
                o.flush();
            } catch (IOException e) {
                // closed or a broken client: go on
            }
        }
    }

    @Override
    public void close() throws IOException {
        udp.close();
        tcp.close();
        replies.shutdownNow();
    }
}

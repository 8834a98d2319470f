package io.mailsec.core.dns.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.WireParseException;

/**
 * A dnsjava {@link Resolver} for one server that sends through {@link UdpExchange} (and
 * {@link TcpExchange} for truncated answers) instead of dnsjava 3.5.2's own client, whose selector
 * let a query wait up to a second before its answer was read. Everything above it — the validating
 * resolver, ExtendedResolver's rotation, the answers' parsing — is dnsjava's, unchanged.
 *
 * <p>As a stub resolver should (RFC 5452 §9.1): an answer counts only when its ID, name, class and
 * type are the query's. EDNS(0) is added when the query has no OPT record and EDNS is set (default:
 * none, as dnsjava's SimpleResolver). Answers are handed on on a mailsec thread, never the selector's.
 */
public final class MailsecDnsResolver implements Resolver {
    /** RFC 1035 §4.2.1: what a UDP answer may hold without EDNS. */
    private static final int PLAIN_UDP_SIZE = 512;
    private static final ExecutorService ANSWERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "mailsec-dns-answer");
        t.setDaemon(true);
        return t;
    });

    private volatile InetSocketAddress server;
    private volatile Duration timeout = Duration.ofSeconds(10);
    private volatile boolean tcp;
    private volatile boolean ignoreTruncation;
    private volatile OPTRecord opt;

    public MailsecDnsResolver(InetSocketAddress server) {
        this.server = server;
    }

    public InetSocketAddress server() {
        return server;
    }

    @Override
    public void setPort(int port) {
        this.server = new InetSocketAddress(server.getAddress(), port);
    }

    @Override
    public void setTCP(boolean flag) {
        this.tcp = flag;
    }

    @Override
    public void setIgnoreTruncation(boolean flag) {
        this.ignoreTruncation = flag;
    }

    @Override
    public void setEDNS(int version, int payloadSize, int flags, List<EDNSOption> options) {
        // dnsjava's convention: version -1 turns EDNS off; payload 0 means its default
        this.opt = version < 0 ? null : new OPTRecord(payloadSize == 0 ? 1280 : payloadSize, 0, version, flags, options);
    }

    @Override
    public void setTSIGKey(TSIG key) {
        if (key != null) {
            throw new UnsupportedOperationException("TSIG is not used by mailsec's DNS lookups");
        }
    }

    @Override
    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public Duration getTimeout() {
        return timeout;
    }

    @Override
    public CompletionStage<Message> sendAsync(Message query) {
        return sendAsync(query, ANSWERS);
    }

    @Override
    public CompletionStage<Message> sendAsync(Message query, Executor executor) {
        Message q = query.clone();
        OPTRecord o = opt;
        if (o != null && q.getOPT() == null) {
            q.addRecord(o, Section.ADDITIONAL);
        }
        byte[] wire = q.toWire(Message.MAXLENGTH);
        int udpSize = q.getOPT() == null ? PLAIN_UDP_SIZE : Math.max(PLAIN_UDP_SIZE, q.getOPT().getPayloadSize());
        long millis = Math.max(1, timeout.toMillis());
        InetSocketAddress server = this.server;
        boolean overTcp = tcp || wire.length > udpSize;
        CompletableFuture<byte[]> sent = overTcp ? TcpExchange.exchange(server, wire, millis)
                : UdpExchange.shared().exchange(server, wire, udpSize, millis);
        return sent.thenComposeAsync(answer -> {
            Message m = check(q, answer);
            if (!overTcp && !ignoreTruncation && m.getHeader().getFlag(Flags.TC)) {
                return TcpExchange.exchange(server, wire, millis).thenApply(a -> check(q, a));
            }
            return CompletableFuture.completedFuture(m);
        }, executor);
    }

    private Message check(Message query, byte[] answer) {
        try {
            Message m = new Message(answer);
            Record asked = query.getQuestion();
            Record got = m.getQuestion();
            if (got == null || !asked.getName().equals(got.getName()) || asked.getType() != got.getType()
                    || asked.getDClass() != got.getDClass()) {
                throw new WireParseException("answer from " + server + " is for another question (" + got + ", asked " + asked + ")");
            }
            m.setResolver(this);
            return m;
        } catch (IOException e) {
            throw new CompletionException(e instanceof WireParseException ? e
                    : new WireParseException("answer from " + server + " unreadable: " + e.getMessage()));
        }
    }

    @Override
    public String toString() {
        return "MailsecDnsResolver [" + server + "]";
    }
}

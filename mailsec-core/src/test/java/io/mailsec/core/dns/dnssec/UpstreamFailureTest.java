package io.mailsec.core.dns.dnssec;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;

/**
 * validate mode when the servers fail part of the chain: an attacker who can make the DS or
 * DNSKEY query of a signed zone fail (SERVFAIL, REFUSED, an empty answer, a lost packet) must get
 * a failure, never INSECURE (which would turn DANE off) and never SECURE.
 */
class UpstreamFailureTest {
    private static DnssecTestbed dns;

    @BeforeAll
    static void start() throws Exception {
        dns = DnssecTestbed.start();
    }

    @AfterAll
    static void stop() {
        if (dns != null) {
            dns.close();
        }
    }

    /** The iterating unbound, except that queries matching {@code sabotaged} get {@code rcode} (or no answer at all: -1). */
    static final class Saboteur implements Resolver {
        final SimpleResolver real;
        final Predicate<Message> sabotaged;
        final int rcode;

        Saboteur(Predicate<Message> sabotaged, int rcode) throws Exception {
            this.real = new SimpleResolver(DnssecTestbed.RECURSIVE);
            this.sabotaged = sabotaged;
            this.rcode = rcode;
        }

        @Override
        public CompletionStage<Message> sendAsync(Message query) {
            if (!sabotaged.test(query)) {
                return real.sendAsync(query);
            }
            if (rcode < 0) {
                return new CompletableFuture<>(); // lost: never answered
            }
            Message m = new Message(query.getHeader().getID());
            Header h = m.getHeader();
            h.setFlag(Flags.QR);
            h.setFlag(Flags.RA);
            h.setRcode(rcode);
            m.addRecord(query.getQuestion(), org.xbill.DNS.Section.QUESTION);
            return CompletableFuture.completedFuture(m);
        }

        @Override
        public CompletionStage<Message> sendAsync(Message query, Executor executor) {
            return sendAsync(query);
        }

        @Override
        public void setPort(int port) {
            real.setPort(port);
        }

        @Override
        public void setTCP(boolean flag) {
            real.setTCP(flag);
        }

        @Override
        public void setIgnoreTruncation(boolean flag) {
            real.setIgnoreTruncation(flag);
        }

        @Override
        public void setEDNS(int version, int payloadSize, int flags, List<EDNSOption> options) {
            real.setEDNS(version, payloadSize, flags, options);
        }

        @Override
        public void setTSIGKey(TSIG key) {
            real.setTSIGKey(key);
        }

        @Override
        public void setTimeout(Duration timeout) {
            real.setTimeout(timeout);
        }

        @Override
        public Duration getTimeout() {
            return real.getTimeout();
        }
    }

    private static Predicate<Message> query(int type, String name) {
        return q -> q.getQuestion().getType() == type && q.getQuestion().getName().toString().equalsIgnoreCase(name);
    }

    /** -1: the query is lost; NOERROR: an empty answer without the proof of absence a signed parent must give. */
    @ParameterizedTest
    @ValueSource(ints = {Rcode.SERVFAIL, Rcode.REFUSED, Rcode.NOERROR, -1})
    void failedDsOrDnskeyQueryIsAFailureNeverInsecure(int rcode) throws Exception {
        for (Predicate<Message> target : List.of(query(Type.DS, DaneTestZones.SECURE + "."),
                query(Type.DNSKEY, DaneTestZones.SECURE + "."), query(Type.DS, "dane.test."))) {
            DnssecResolver r = DnssecResolvers.validate(new Saboteur(target, rcode), "saboteur", Duration.ofMillis(1500),
                    TrustAnchors.read(dns.trustAnchor()));
            DnssecResult<TlsaRdata> t = r.tlsa("mx." + DaneTestZones.SECURE);
            assertThat(t.dnssec()).as("rcode " + rcode + ": " + t.detail()).isIn(DnssecStatus.BOGUS, DnssecStatus.INDETERMINATE);
            assertThat(t.records()).isEmpty();
        }
    }

    /** The answer itself failing upstream is INDETERMINATE (a failure, not an attack verdict). */
    @ParameterizedTest
    @ValueSource(ints = {Rcode.SERVFAIL, Rcode.REFUSED})
    void failedAnswerIsIndeterminate(int rcode) throws Exception {
        DnssecResolver r = DnssecResolvers.validate(new Saboteur(query(Type.TLSA, "_25._tcp.mx." + DaneTestZones.SECURE + "."),
                rcode), "saboteur", Duration.ofMillis(1500), TrustAnchors.read(dns.trustAnchor()));
        DnssecResult<TlsaRdata> t = r.tlsa("mx." + DaneTestZones.SECURE);
        assertThat(t.dnssec()).as(t.detail()).isEqualTo(DnssecStatus.INDETERMINATE);
        assertThat(t.detail()).contains("saboteur answered " + Rcode.string(rcode));
        assertThat(r.a("mx." + DaneTestZones.SECURE).dnssec()).isEqualTo(DnssecStatus.SECURE);
    }
}

package io.mailsec.core.dns.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.WireParseException;

/** The stall-free transport against a server that answers as scripted (ScriptedDnsServer on 127.0.11.153). */
class MailsecDnsResolverTest {
    private static ScriptedDnsServer server;
    private static MailsecDnsResolver resolver;

    @BeforeAll
    static void start() throws Exception {
        server = ScriptedDnsServer.start("127.0.11.153", 0, 5);
        resolver = new MailsecDnsResolver(server.address());
        resolver.setTimeout(Duration.ofSeconds(3));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static CompletableFuture<Message> ask(String name) throws Exception {
        return resolver.sendAsync(Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN))).toCompletableFuture();
    }

    private static String address(Message m) {
        return ((ARecord) m.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress();
    }

    @Test
    void manyConcurrentQueriesEachGetTheirOwnAnswer() throws Exception {
        List<CompletableFuture<Message>> all = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            all.add(ask("n" + i + ".example.test."));
        }
        for (int i = 0; i < all.size(); i++) {
            Message m = all.get(i).get();
            assertThat(m.getQuestion().getName().toString()).isEqualTo("n" + i + ".example.test.");
            assertThat(address(m)).isEqualTo(ScriptedDnsServer.ANSWER);
        }
    }

    /** RFC 5452 §9.1: a datagram with another ID is not the answer, and does not end the exchange. */
    @Test
    void aDatagramWithAnotherIdIsIgnored() throws Exception {
        Message m = ask("spoof-1.example.test.").get();
        assertThat(m.getQuestion().getName().toString()).isEqualTo("spoof-1.example.test.");
        assertThat(address(m)).isEqualTo(ScriptedDnsServer.ANSWER);
    }

    @Test
    void anAnswerForAnotherQuestionIsRefused() {
        assertThatThrownBy(() -> ask("other-1.example.test.").get()).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(WireParseException.class).hasMessageContaining("another question");
    }

    /** RFC 7766: a truncated answer is asked again over TCP. */
    @Test
    void aTruncatedAnswerIsFetchedOverTcp() throws Exception {
        int before = server.tcpQueries.get();
        Message m = ask("tc-1.example.test.").get();
        assertThat(address(m)).isEqualTo(ScriptedDnsServer.ANSWER);
        assertThat(server.tcpQueries.get()).isEqualTo(before + 1);
    }

    @Test
    void noAnswerIsATimeout() throws Exception {
        MailsecDnsResolver quick = new MailsecDnsResolver(server.address());
        quick.setTimeout(Duration.ofMillis(300));
        long start = System.nanoTime();
        assertThatThrownBy(() -> quick.sendAsync(Message.newQuery(Record.newRecord(Name.fromString("silent-1.example.test."), Type.A,
                DClass.IN))).toCompletableFuture().get()).hasCauseInstanceOf(SocketTimeoutException.class);
        assertThat((System.nanoTime() - start) / 1_000_000).as("gave up at its timeout, not much later").isLessThan(3000);
    }

    @Test
    void nothingListeningIsARefusalNamingTheServer() throws Exception {
        MailsecDnsResolver nobody = new MailsecDnsResolver(new java.net.InetSocketAddress("127.0.11.154", 53));
        nobody.setTimeout(Duration.ofSeconds(2));
        assertThatThrownBy(() -> nobody.sendAsync(Message.newQuery(Record.newRecord(Name.fromString("x.example.test."), Type.A,
                DClass.IN))).toCompletableFuture().get()).hasMessageContaining("127.0.11.154");
    }
}

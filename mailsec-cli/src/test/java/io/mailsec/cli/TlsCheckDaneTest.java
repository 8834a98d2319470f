package io.mailsec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailsec.core.dns.dnssec.DnssecTestbed;
import io.mailsec.core.peers.PeerTools;
import io.mailsec.tls.peers.DanePeers;

/**
 * {@code mailsec tls check --dnssec trust-ad} on every DANE test domain of {@link DanePeers} (signed
 * zones whose TLSA records come from real Postfix listeners on 127.0.23.x): per MX the DNSSEC
 * decision, the requirement it leads to, and whether the chain the server presents matches.
 */
class TlsCheckDaneTest {
    private static DanePeers peers;

    @BeforeAll
    static void start() throws Exception {
        peers = DanePeers.start("127.0.23");
    }

    @AfterAll
    static void stop() throws Exception {
        if (peers != null) {
            peers.close();
        }
        PeerTools.closeAll();
    }

    private static int run(ByteArrayOutputStream out, String... args) {
        List<String> all = new ArrayList<>(List.of("tls", "check"));
        all.addAll(List.of(args));
        all.addAll(List.of("--dnssec", "trust-ad", "--dns", DnssecTestbed.VALIDATING, "--trust", peers.unrelatedCa.toString(), "--timeout", "5"));
        return Main.run(all, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    /** domain, exit code, the MX records' DNSSEC status, then per MX "source/level/DANE kind/match/verdict" joined by '|' ("-": none). */
    @ParameterizedTest
    @CsvSource({
            "ee.dane.test, 0, secure, dane/verify/dane/authenticated/deliverable",
            "eealias.dane.test, 0, secure, dane/verify/dane/authenticated/deliverable",
            "eebad.dane.test, 1, secure, dane/verify/dane/not-authenticated/blocked",
            "ta.dane.test, 0, secure, dane/verify/dane/authenticated/deliverable",
            "tawrong.dane.test, 1, secure, dane/verify/dane/not-authenticated/blocked",
            "twomx.dane.test, 0, secure, dane/verify/dane/not-authenticated/blocked|dane/verify/dane/authenticated/deliverable",
            "unsigned.dane.test, 0, insecure, default/may/-/-/deliverable",
            "nodane.dane.test, 0, secure, default/may/no-dane/-/deliverable",
            "tampered.dane.test, 1, secure, dane/verify/unusable/-/blocked",
            "expired.dane.test, 1, bogus, ''"})
    void checkDecidesEachMxAsDeliveryDoes(String domain, int exit, String mxStatus, String perMx) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = run(out, domain, "--json");
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(text).isEqualTo(exit);
        JsonNode j = new ObjectMapper().readTree(text);
        assertThat(j.at("/dane/dnssec").asText()).isEqualTo("trust-ad");
        assertThat(j.at("/dane/mx").asText()).isEqualTo(mxStatus);
        List<String> got = new ArrayList<>();
        for (JsonNode m : j.get("mx")) {
            got.add(m.at("/requirement/source").asText() + "/" + m.at("/requirement/level").asText() + "/"
                    + (m.has("dane") ? m.at("/dane/kind").asText() : "-") + "/"
                    + (m.has("daneMatch") ? m.at("/daneMatch/outcome").asText() : "-") + "/" + m.get("verdict").asText());
        }
        assertThat(String.join("|", got)).as(text).isEqualTo(perMx == null ? "" : perMx);
        if (mxStatus.equals("bogus")) {
            assertThat(j.get("error").asText()).contains("failed DNSSEC validation", "never plaintext");
        }
    }

    @Test
    void theTextFormShowsTheTlsaRecordsAndTheMatch() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(run(out, "eebad.dane.test")).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("DANE:         dnssec trust-ad, MX records secure",
                "DANE dane: 1 usable TLSA records at _25._tcp.mx.eebad.dane.test [3 1 1 ",
                "requirement for this MX: verify (source dane, entry tlsa _25._tcp.mx.eebad.dane.test)",
                "no TLSA record authenticates the server", "verdict:      not deliverable");
    }
}

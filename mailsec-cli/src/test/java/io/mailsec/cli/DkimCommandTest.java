package io.mailsec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailsec.core.dns.Dnsmasq;

/** {@code mailsec dkim ...} end to end, verify against the project's DNS fixture on 127.0.1.55. */
class DkimCommandTest {
    static final Path RFC8463 = io.mailsec.core.testdata.Conformance.file("dkim/rfc8463");
    static final String DNS_ADDRESS = "127.0.1.55";
    static Dnsmasq dns;

    @TempDir
    Path tmp;

    record Out(int exit, String out, String err) {
    }

    static Out run(byte[] stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> a = new ArrayList<>(List.of("dkim"));
        a.addAll(List.of(args));
        int rc = Main.run(a, new ByteArrayInputStream(stdin), new PrintStream(out, true), new PrintStream(err, true));
        return new Out(rc, out.toString(StandardCharsets.ISO_8859_1), err.toString(StandardCharsets.ISO_8859_1));
    }

    static Out run(String... args) {
        return run(new byte[0], args);
    }

    @BeforeAll
    static void startDns() throws Exception {
        Dnsmasq.Builder b = Dnsmasq.on(DNS_ADDRESS).zone("example.com");
        for (String l : Files.readAllLines(RFC8463.resolve("dns.txt"))) {
            b.txt(l.substring(0, l.indexOf(". IN TXT")), l.substring(l.indexOf('"') + 1, l.lastIndexOf('"')));
        }
        dns = b.start();
    }

    @AfterAll
    static void stopDns() {
        if (dns != null) {
            dns.close();
        }
    }

    @Test
    void keygenRsa_writesKey_printsTxtIn255ByteStrings_andCname() throws Exception {
        Out o = run("keygen", "--algorithm", "rsa", "--bits", "2048", "--domain", "example.org", "--selector", "s2026",
                "--out", tmp.toString());
        assertThat(o.exit()).as(o.err()).isZero();
        Path key = tmp.resolve("s2026.example.org.pem");
        assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(o.out()).contains("s2026._domainkey.example.org. IN TXT ( \"v=DKIM1; k=rsa; p=")
                .contains("example.org selector=s2026 key=" + key.toAbsolutePath())
                .as("the CNAME form only when a zone is given").doesNotContain("CNAME");

        Out j = run("dns-record", "--key", key.toString(), "--domain", "example.org", "--selector", "s2026", "--json");
        JsonNode n = new ObjectMapper().readTree(j.out());
        assertThat(n.get("txtStrings").size()).isGreaterThan(1);
        StringBuilder joined = new StringBuilder();
        n.get("txtStrings").forEach(s -> {
            assertThat(s.asText().length()).isLessThanOrEqualTo(255);
            joined.append(s.asText());
        });
        assertThat(joined.toString()).isEqualTo(n.get("txt").asText());
        assertThat(n.get("bits").asInt()).isEqualTo(2048);
        // refuses to overwrite
        assertThat(run("keygen", "--algorithm", "rsa", "--domain", "example.org", "--selector", "s2026",
                "--out", tmp.toString()).exit()).isEqualTo(2);
    }

    /** Issue 15: keygen writes the key-table line (once), and the CNAME form names the zone that was given. */
    @Test
    void keygenAppendsTheKeyTableLineOnceAndPrintsTheCnameFormForAGivenZone() throws Exception {
        Path table = tmp.resolve("conf/dkim/keytable");
        Out o = run("keygen", "--algorithm", "ed25519", "--domain", "example.org", "--selector", "ed1",
                "--out", tmp.resolve("conf/dkim").toString(), "--table", table.toString(), "--cname-zone", "keys.provider.example");
        assertThat(o.exit()).as(o.err()).isZero();
        assertThat(Files.readAllLines(table)).containsExactly("example.org selector=ed1 key=ed1.example.org.pem");
        assertThat(o.out()).contains("ed1._domainkey.example.org. IN CNAME ed1.example.org.keys.provider.example.");
        // the table as DkimSign reads it
        assertThat(io.mailsec.dkim.KeyTable.load(table).entries()).containsKey("example.org");
        // a second key for another selector is appended; the same pair is not written twice
        run("keygen", "--algorithm", "ed25519", "--domain", "example.org", "--selector", "ed2",
                "--out", tmp.resolve("conf/dkim").toString(), "--table", table.toString());
        Files.delete(tmp.resolve("conf/dkim/ed2.example.org.pem"));
        run("keygen", "--algorithm", "ed25519", "--domain", "example.org", "--selector", "ed2",
                "--out", tmp.resolve("conf/dkim").toString(), "--table", table.toString());
        assertThat(Files.readAllLines(table)).containsExactly("example.org selector=ed1 key=ed1.example.org.pem",
                "example.org selector=ed2 key=ed2.example.org.pem");
    }

    /** Issue 15: dkim testkey compares the published record with the private key (opendkim-testkey), against real DNS. */
    @Test
    void testkeyMatchesTheRfc8463KeysAndReportsMismatchAndMissing() throws Exception {
        String dns = DNS_ADDRESS;
        Out match = run("testkey", "--key", RFC8463.resolve("brisbane-ed25519.pkcs8.pem").toString(), "--domain", "football.example.com",
                "--selector", "brisbane", "--dns", dns, "--json");
        assertThat(match.exit()).as(match.out() + match.err()).isZero();
        assertThat(new ObjectMapper().readTree(match.out()).get("result").asText()).isEqualTo("match");
        assertThat(run("testkey", "--key", RFC8463.resolve("test-rsa1024.pkcs8.pem").toString(), "--domain", "football.example.com",
                "--selector", "test", "--dns", dns).exit()).isZero();

        Out other = run("keygen", "--algorithm", "rsa", "--bits", "1024", "--domain", "football.example.com", "--selector", "test",
                "--out", tmp.toString());
        assertThat(other.exit()).isZero();
        Out mismatch = run("testkey", "--key", tmp.resolve("test.football.example.com.pem").toString(), "--domain", "football.example.com",
                "--selector", "test", "--dns", dns);
        assertThat(mismatch.exit()).isEqualTo(1);
        assertThat(mismatch.out()).contains("mismatch").contains("different key");
        Out kind = run("testkey", "--key", RFC8463.resolve("brisbane-ed25519.pkcs8.pem").toString(), "--domain", "football.example.com",
                "--selector", "test", "--dns", dns);
        assertThat(kind.exit()).isEqualTo(1);
        assertThat(kind.out()).contains("mismatch").contains("k=rsa");
        Out missing = run("testkey", "--key", RFC8463.resolve("brisbane-ed25519.pkcs8.pem").toString(), "--domain", "football.example.com",
                "--selector", "nothing", "--dns", dns, "--json");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(new ObjectMapper().readTree(missing.out()).get("result").asText()).isEqualTo("missing");
    }

    @Test
    void keygenEd25519_andDnsRecordOfTheRfc8463Key() throws Exception {
        Out o = run("keygen", "--algorithm", "ed25519", "--domain", "example.org", "--selector", "ed", "--out", tmp.toString());
        assertThat(o.exit()).isZero();
        assertThat(o.out()).contains("\"v=DKIM1; k=ed25519; p=");
        Out r = run("dns-record", "--key", RFC8463.resolve("brisbane-ed25519.seed.b64").toString(),
                "--domain", "football.example.com", "--selector", "brisbane");
        assertThat(r.out()).contains("brisbane._domainkey.football.example.com. IN TXT ( "
                + "\"v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\" )");
    }

    @Test
    void signThenVerifyOverRealDns_json() throws Exception {
        byte[] unsigned = Files.readAllBytes(RFC8463.resolve("unsigned.eml"));
        for (String key : List.of("brisbane-ed25519.pkcs8.pem", "test-rsa1024.pkcs1.pem")) {
            String selector = key.startsWith("brisbane") ? "brisbane" : "test";
            Out s = run(unsigned, "sign", "--key", RFC8463.resolve(key).toString(), "--domain", "football.example.com",
                    "--selector", selector);
            assertThat(s.exit()).as(s.err()).isZero();
            assertThat(s.out()).startsWith("DKIM-Signature: v=1;").endsWith(new String(unsigned, StandardCharsets.ISO_8859_1));
            Out v = run(s.out().getBytes(StandardCharsets.ISO_8859_1), "verify", "--dns", DNS_ADDRESS, "--json");
            assertThat(v.exit()).as(v.out() + v.err()).isZero();
            JsonNode sig = new ObjectMapper().readTree(v.out()).get("signatures").get(0);
            assertThat(sig.get("domain").asText()).isEqualTo("football.example.com");
            assertThat(sig.get("selector").asText()).isEqualTo(selector);
            assertThat(sig.get("result").asText()).isEqualTo("pass");
            assertThat(sig.has("algorithm") && sig.has("reason")).isTrue();
            Out bad = run(s.out().replace("hungry", "thirsty").getBytes(StandardCharsets.ISO_8859_1), "verify",
                    "--dns", DNS_ADDRESS);
            assertThat(bad.exit()).isEqualTo(1);
            assertThat(bad.out()).startsWith("dkim=fail").contains("body hash did not verify");
        }
    }

    @Test
    void verifyTheRfcVectorOverRealDns() throws Exception {
        // RFC 8463 signed.eml carries t=1528637909 and no x=: passes today
        Out v = run(Files.readAllBytes(RFC8463.resolve("signed.eml")), "verify", "--dns", DNS_ADDRESS);
        assertThat(v.exit()).as(v.out()).isZero();
        assertThat(v.out().lines()).hasSize(2).allSatisfy(l -> assertThat(l).startsWith("dkim=pass"));
    }

    @Test
    void usageErrors_exit2() {
        assertThat(run("frobnicate").exit()).isEqualTo(2);
        assertThat(run("sign", "--domain", "x.example").exit()).isEqualTo(2);
        assertThat(run("keygen", "--algorithm", "rsa", "--bits", "512", "--domain", "a.example", "--selector", "s",
                "--out", "/tmp").err()).contains("RFC 8301");
        assertThat(run("--help").exit()).isZero();
    }
}

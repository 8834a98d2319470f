package io.mailsec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailsec.core.dns.Dnsmasq;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** {@code mailsec spf check} and {@code mailsec dmarc check} through Main, against a real dnsmasq. */
class SpfCommandTest {
    /** The SPF/DMARC tests' address. */
    static final String DNS = "127.0.2.53";
    static Dnsmasq dns;
    static final io.mailsec.dkim.SigningKey KEY = io.mailsec.dkim.DkimKeys.generate(io.mailsec.dkim.SigningKey.Type.ED25519, 0, "cli");

    @BeforeAll
    static void start() throws Exception {
        dns = Dnsmasq.start(DNS, List.of("test"), List.of(
                "txt-record=ed._domainkey.ex.test,\"" + KEY.dnsRecord() + "\"",
                "txt-record=ex.test,\"v=spf1 ip4:192.0.2.0/24 -all exp=why.ex.test\"",
                "txt-record=why.ex.test,\"%{i} may not send for %{d}\"",
                "txt-record=_dmarc.ex.test,\"v=DMARC1; p=reject\"",
                "txt-record=mx.ex.test,\"v=spf1 a -all\"",
                "host-record=mx.ex.test,192.0.2.9"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (dns != null) {
            dns.close();
        }
    }

    record Run(int exit, String out, String err) {
        JsonNode json() throws Exception {
            return new ObjectMapper().readTree(out);
        }
    }

    static Run run(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Main.run(List.of(args), new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void spfCheckJsonKeys() throws Exception {
        Run r = run("", "spf", "check", "--ip", "198.51.100.7", "--sender", "joe@ex.test", "--helo", "mx.ex.test",
                "--dns", DNS, "--json");
        assertThat(r.exit).as(r.err).isZero();
        JsonNode j = r.json();
        assertThat(j.get("result").asText()).isEqualTo("fail");
        assertThat(j.get("explanation").asText()).isEqualTo("198.51.100.7 may not send for ex.test");
        assertThat(j.get("mechanism").asText()).isEqualTo("-all");

        Run pass = run("", "spf", "check", "--ip", "192.0.2.9", "--sender", "", "--helo", "mx.ex.test",
                "--dns", DNS + ":53");
        assertThat(pass.exit).isZero();
        assertThat(pass.out).startsWith("spf=pass mechanism=a").contains("Received-SPF: pass (");
    }

    @Test
    void spfUsageErrorsExit2() {
        assertThat(run("", "spf", "check", "--ip", "192.0.2.1").exit).isEqualTo(2);
        assertThat(run("", "spf", "frobnicate").exit).isEqualTo(2);
        Run help = run("", "spf", "--help");
        assertThat(help.exit).isZero();
        assertThat(help.out).contains("--sender");
    }

    @Test
    void dmarcCheckJsonKeys() throws Exception {
        String msg = "From: Joe <joe@ex.test>\r\nReturn-Path: <joe@ex.test>\r\nSubject: hi\r\n\r\nbody\r\n";
        Run fail = run(msg, "dmarc", "check", "--ip", "198.51.100.7", "--helo", "mx.ex.test", "--dns", DNS, "--json");
        assertThat(fail.exit).as(fail.err).isZero();
        JsonNode j = fail.json();
        assertThat(j.at("/spf/result").asText()).isEqualTo("fail");
        assertThat(j.at("/spf/domain").asText()).isEqualTo("ex.test");
        assertThat(j.get("dkim").isArray()).isTrue();
        assertThat(j.at("/dmarc/result").asText()).isEqualTo("fail");
        assertThat(j.at("/dmarc/policy").asText()).isEqualTo("reject");
        assertThat(j.at("/dmarc/disposition").asText()).isEqualTo("reject");
        assertThat(j.at("/dmarc/reason").asText()).isNotEmpty();

        Run pass = run(msg, "dmarc", "check", "--ip", "192.0.2.7", "--helo", "mx.ex.test", "--dns", DNS, "--json");
        assertThat(pass.json().at("/dmarc/result").asText()).isEqualTo("pass");
        assertThat(pass.json().at("/dmarc/disposition").asText()).isEqualTo("none");

        Run dkim = run(msg, "dmarc", "check", "--dkim", "ex.test=pass", "--dns", DNS, "--json");
        assertThat(dkim.json().at("/dkim/0/domain").asText()).isEqualTo("ex.test");
        assertThat(dkim.json().at("/dmarc/result").asText()).isEqualTo("pass");

        Run noFrom = run("Subject: none\r\n\r\nx\r\n", "dmarc", "check", "--dns", DNS, "--json");
        assertThat(noFrom.json().at("/dmarc/result").asText()).isEqualTo("permerror");
        assertThat(run(msg, "dmarc", "check", "--mode", "rfc1").exit).isEqualTo(2);
    }

    @Test
    void dmarcCheckVerifiesDkimAsThePipelineDoes_rfc9989_4_4() throws Exception {
        String body = "From: Alice <alice@ex.test>\r\nTo: bob@example.org\r\nSubject: signed\r\n\r\nhello\r\n";
        String sig = io.mailsec.dkim.DkimSigner.sign(body.getBytes(StandardCharsets.US_ASCII),
                List.of(new io.mailsec.dkim.SignSpec(KEY, "ex.test", "ed"))).get(0);
        Run pass = run(sig + "\r\n" + body, "dmarc", "check", "--dns", DNS, "--json");
        assertThat(pass.exit).isZero();
        assertThat(pass.json().at("/dkim/0/domain").asText()).isEqualTo("ex.test");
        assertThat(pass.json().at("/dkim/0/result").asText()).isEqualTo("pass");
        assertThat(pass.json().at("/dkim/0/source").asText()).isEqualTo("verified");
        assertThat(pass.json().at("/dmarc/result").asText()).isEqualTo("pass");
        assertThat(pass.json().at("/dmarc/disposition").asText()).isEqualTo("none");

        Run tampered = run(sig + "\r\n" + body.replace("hello", "hullo"), "dmarc", "check", "--dns", DNS, "--json");
        assertThat(tampered.json().at("/dkim/0/result").asText()).isEqualTo("fail");
        assertThat(tampered.json().at("/dmarc/result").asText()).isEqualTo("fail");
        assertThat(tampered.json().at("/dmarc/disposition").asText()).isEqualTo("reject");
    }
}

package io.mailsec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailsec.core.dns.Dnsmasq;
import io.mailsec.tls.mtasts.MtaStsPolicy;
import io.mailsec.tls.mtasts.StsMode;
import io.mailsec.tls.mtasts.StsPolicyParser;

/** {@code mailsec tls mta-sts-policy}: what it prints is what mailsec's own delivery (the same parser) reads back. */
class MtaStsPolicyCommandTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-04T03:45:00Z"), ZoneOffset.UTC);

    static String run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(new MtaStsPolicyCommand(CLOCK).run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8))).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void thePolicyAndTheRecordsToPublish() throws Exception {
        String text = run("mta-sts-policy", "Example.COM.", "--mx", "mx1.example.com", "--mx", "*.backup.example.net");
        assertThat(text).contains("# 1. Serve this as https://mta-sts.example.com/.well-known/mta-sts.txt",
                "version: STSv1\nmode: testing\nmx: mx1.example.com\nmx: *.backup.example.net\nmax_age: 604800\n",
                "_mta-sts.example.com. IN TXT \"v=STSv1; id=20261204034500\"",
                "_smtp._tls.example.com. IN TXT \"v=TLSRPTv1; rua=mailto:tls-reports@example.com\"", "--mode enforce");
        JsonNode j = new ObjectMapper().readTree(run("mta-sts-policy", "example.com", "--mx", "mx1.example.com", "--mode", "enforce",
                "--max-age", "86400", "--id", "v2", "--rua", "mailto:rpt@example.org", "--json"));
        MtaStsPolicy p = StsPolicyParser.parse("example.com", "v2", j.get("policy").asText(), CLOCK.instant());
        assertThat(p.mode()).isEqualTo(StsMode.ENFORCE);
        assertThat(p.maxAgeSeconds()).isEqualTo(86400);
        assertThat(p.permits("mx1.example.com")).isTrue();
        assertThat(p.permits("mx2.example.com")).isFalse();
        assertThat(j.get("stsRecord").asText()).isEqualTo("_mta-sts.example.com. IN TXT \"v=STSv1; id=v2\"");
        assertThat(j.get("tlsRptRecord").asText()).isEqualTo("_smtp._tls.example.com. IN TXT \"v=TLSRPTv1; rua=mailto:rpt@example.org\"");
    }

    /** Without --mx the MX records come from DNS (a real dnsmasq), in preference order. */
    @Test
    void theMxHostsFromDns() throws Exception {
        try (Dnsmasq dns = Dnsmasq.start("127.0.18.53", List.of("test"), List.of(Dnsmasq.mx("hosted.test", "mx2.hosted.test", 20),
                Dnsmasq.mx("hosted.test", "mx1.hosted.test", 10)))) {
            assertThat(run("mta-sts-policy", "hosted.test", "--dns", "127.0.18.53"))
                    .contains("mode: testing\nmx: mx1.hosted.test\nmx: mx2.hosted.test\nmax_age: 604800\n");
        }
    }

    @Test
    void mistakesAreRefusedBeforeAnythingIsPrinted() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> run("mta-sts-policy", "example.com", "--mx", "mx.example.com", "--id", "not valid!"))
                .isInstanceOf(UsageException.class).hasMessageContaining("--id must be 1-32 letters and digits");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> run("mta-sts-policy", "example.com", "--mx", "mx.example.com", "--mode", "strict"))
                .isInstanceOf(UsageException.class).hasMessageContaining("the policy would not be valid");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> run("mta-sts-policy", "example.com", "--mx", "mx.example.com", "--max-age", "99999999999"))
                .isInstanceOf(UsageException.class).hasMessageContaining("the policy would not be valid");
    }
}

package io.mailsec.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Malformed and hostile input: every case is a defined SPF result, never an exception. */
class SpfBadInputTest {
    static Map<String, Object> zone(Object... kv) {
        Map<String, Object> z = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            List<Object> items = new ArrayList<>();
            Object v = kv[i + 1];
            if (v instanceof List) {
                items.addAll((List<?>) v);
            } else {
                items.add(Map.of("TXT", v));
            }
            z.put((String) kv[i], items);
        }
        return z;
    }

    static SpfVerdict check(Map<String, Object> zone, String ip, String from, String helo) {
        return SpfEvaluator.builder(new ZoneResolver(zone)).build().checkMailFrom(ip, from, helo);
    }

    @Test
    void nonAsciiInRecordIsPermerror_rfc7208_3() {
        assertThat(check(zone("x.test", "v=spf1 a:caf\u00e9.x.test -all"), "192.0.2.1", "u@x.test", "h.test").result())
                .isEqualTo(SpfResult.PERMERROR);
        assertThat(check(zone("x.test", "v=spf1 ip4:192.0.2.1 \u00ff -all"), "192.0.2.1", "u@x.test", "h.test").result())
                .isEqualTo(SpfResult.PERMERROR);
    }

    @Test
    void nonAsciiSenderDomainIsNone_rfc7208_4_3() {
        SpfVerdict v = check(zone(), "192.0.2.1", "u@b\u00fccher.test", "h.test");
        assertThat(v.result()).isEqualTo(SpfResult.NONE);
    }

    @Test
    void overLongRecordStillEvaluates_rfc7208_3_3() {
        StringBuilder sb = new StringBuilder("v=spf1");
        for (int i = 0; i < 200; i++) {
            sb.append(" ip4:10.").append(i).append(".0.0/16");
        }
        sb.append(" ip4:192.0.2.1 -all");
        assertThat(sb.length()).isGreaterThan(3000);
        assertThat(check(zone("x.test", sb.toString()), "192.0.2.1", "u@x.test", "h.test").result()).isEqualTo(SpfResult.PASS);
        assertThat(check(zone("x.test", sb.toString()), "192.0.2.2", "u@x.test", "h.test").result()).isEqualTo(SpfResult.FAIL);
    }

    @Test
    void loopsAreStoppedByTheLookupLimit_rfc7208_4_6_4() {
        assertThat(check(zone("x.test", "v=spf1 include:x.test -all"), "192.0.2.1", "u@x.test", "h").result())
                .isEqualTo(SpfResult.PERMERROR);
        assertThat(check(zone("x.test", "v=spf1 redirect=y.test", "y.test", "v=spf1 redirect=x.test"), "192.0.2.1", "u@x.test", "h")
                .result()).isEqualTo(SpfResult.PERMERROR);
        SpfVerdict v = check(zone("x.test", "v=spf1 include:y.test -all", "y.test", "v=spf1 include:x.test ~all"),
                "192.0.2.1", "u@x.test", "h");
        assertThat(v.result()).isEqualTo(SpfResult.PERMERROR);
        assertThat(v.problem()).contains("more than 10 DNS lookups");
    }

    @Test
    void timeoutsAreTemperrorNeverNone() {
        Map<String, Object> z = zone("x.test", List.of("TIMEOUT"), "y.test", "v=spf1 include:x.test -all",
                "z.test", "v=spf1 a:x.test -all", "w.test", "v=spf1 exists:x.test -all");
        for (String d : List.of("x.test", "y.test", "z.test", "w.test")) {
            assertThat(check(z, "192.0.2.1", "u@" + d, "h").result()).as(d).isEqualTo(SpfResult.TEMPERROR);
        }
    }

    @Test
    void garbageRequestsGiveResults() {
        Map<String, Object> z = zone("x.test", "v=spf1 -all");
        assertThat(check(z, "not-an-ip", "u@x.test", "h").result()).isEqualTo(SpfResult.PERMERROR);
        assertThat(check(z, null, "u@x.test", "h").result()).isEqualTo(SpfResult.PERMERROR);
        assertThat(check(z, "192.0.2.1", "no-at-sign", "h").result()).isEqualTo(SpfResult.NONE);
        assertThat(check(z, "192.0.2.1", "u@", "h").result()).isEqualTo(SpfResult.NONE);
        assertThat(check(z, "192.0.2.1", "", "").result()).isEqualTo(SpfResult.NONE);
        assertThat(check(z, "192.0.2.1", "", "[192.0.2.1]").result()).isEqualTo(SpfResult.NONE);
        assertThat(check(z, "192.0.2.1", null, null).result()).isEqualTo(SpfResult.NONE);
        assertThat(check(z, "::ffff:192.0.2.1", "u@x.test", "h").clientIp()).isEqualTo("192.0.2.1");
    }

    @Test
    void heloCheckAndPMacro_rfc7208_2_3_and_7_3() {
        Map<String, Object> z = zone("mx.x.test", List.of(Map.of("TXT", "v=spf1 a -all"), Map.of("A", "192.0.2.5")),
                "p.test", "v=spf1 exists:%{p}.ok.p.test -all",
                "mx.x.test.ok.p.test", List.of(Map.of("A", "127.0.0.2")),
                "5.2.0.192.in-addr.arpa", List.of(Map.of("PTR", "mx.x.test")));
        SpfEvaluator e = SpfEvaluator.builder(new ZoneResolver(z)).build();
        assertThat(e.checkHelo("192.0.2.5", "mx.x.test").result()).isEqualTo(SpfResult.PASS);
        assertThat(e.checkHelo("192.0.2.6", "mx.x.test").result()).isEqualTo(SpfResult.FAIL);
        assertThat(e.checkMailFrom("192.0.2.5", "u@p.test", "h").result()).isEqualTo(SpfResult.PASS);
        assertThat(e.checkMailFrom("192.0.2.6", "u@p.test", "h").result()).isEqualTo(SpfResult.FAIL);
    }

    @Test
    void explanationMacrosCRT_rfc7208_7_2() {
        Map<String, Object> z = zone("x.test", "v=spf1 -all exp=e.x.test", "e.x.test", "%{c} at %{t} via %{r} for %{s}");
        SpfVerdict v = SpfEvaluator.builder(new ZoneResolver(z)).receiver("mx.rcv.test").clock(() -> 1_700_000_000_000L).build()
                .checkMailFrom("2001:db8::1", "u@x.test", "h");
        assertThat(v.explanation()).isEqualTo("2001:db8::1 at 1700000000 via mx.rcv.test for u@x.test");
    }

    @Test
    void randomRecordsNeverThrow() {
        Random rnd = new Random(7208);
        String alphabet = "v=spf1 :/.%{}-+~?allincludeamxptrip4ip6existsredirectexp0123456789abcdef\u00e9\t;,\"";
        SpfEvaluator e = SpfEvaluator.builder(new ZoneResolver(zone())).build();
        for (int i = 0; i < 5000; i++) {
            StringBuilder sb = new StringBuilder("v=spf1 ");
            int len = rnd.nextInt(60);
            for (int j = 0; j < len; j++) {
                sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            }
            Map<String, Object> z = zone("x.test", sb.toString());
            SpfVerdict v = SpfEvaluator.builder(new ZoneResolver(z)).build().checkMailFrom(rnd.nextBoolean() ? "192.0.2.1" : "2001:db8::1", "u@x.test", "h.test");
            assertThat(v.result()).as(sb.toString()).isNotNull();
        }
        assertThat(e.checkMailFrom("192.0.2.1", "u@x.test", "h").result()).isEqualTo(SpfResult.NONE);
    }
}

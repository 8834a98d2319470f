package io.mailsec.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.mailsec.spf.ZoneResolver;

/** DMARC policy details: pct, t, alignment modes, PSL and tree walk organizational domains, np. */
class DmarcEvaluatorTest {
    static Map<String, Object> zone(Object... kv) {
        Map<String, Object> z = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            Object v = kv[i + 1];
            List<Object> items = new ArrayList<>();
            if (v instanceof List) {
                items.addAll((List<?>) v);
            } else {
                items.add(Map.of("TXT", v));
            }
            z.put((String) kv[i], items);
        }
        return z;
    }

    static DmarcVerdict eval(DmarcMode mode, Map<String, Object> zone, double random, String from, String spfResult, String spfDomain,
                             String... dkimPass) {
        DmarcInput.Builder in = DmarcInput.builder(FromDomains.parse(List.of(from))).spf(spfResult, spfDomain);
        for (String d : dkimPass) {
            in.dkim(d, "s", "pass");
        }
        return DmarcEvaluator.builder(new ZoneResolver(zone)).mode(mode).random(() -> random).build().evaluate(in.build());
    }

    @Test
    void treeWalkTakesCachedAnswersWithoutTheExecutor_rfc9989_4_10() {
        Map<String, Object> z = zone("_dmarc.example.com", "v=DMARC1; p=reject");
        io.mailsec.core.dns.CachingDnsResolver dns = io.mailsec.core.dns.CachingDnsResolver.of(new ZoneResolver(z));
        java.util.concurrent.atomic.AtomicInteger handedOff = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.Executor executor = r -> {
            handedOff.incrementAndGet();
            r.run();
        };
        DmarcEvaluator e = DmarcEvaluator.builder(dns).mode(DmarcMode.RFC9989).executor(executor).build();
        DmarcInput in = DmarcInput.builder(FromDomains.parse(List.of("a@mail.example.com"))).spf("pass", "mail.example.com").build();
        DmarcVerdict first = e.evaluate(in);
        assertThat(handedOff.get()).as("uncached walk names go out in parallel").isPositive();
        handedOff.set(0);
        DmarcVerdict second = e.evaluate(in);
        assertThat(handedOff.get()).as("every walk name is cached now").isZero();
        assertThat(second.result()).isEqualTo(first.result()).isEqualTo(DmarcResult.PASS);
        assertThat(second.reason()).isEqualTo(first.reason());
        assertThat(second.policy()).isEqualTo(first.policy());
    }

    static DmarcVerdict evalResults(Map<String, Object> zone, DmarcPolicy temperrorDisposition, String spfResult, String spfDomain,
                                    String... dkimDomainResult) {
        DmarcInput.Builder in = DmarcInput.builder(FromDomains.parse(List.of("a@example.com"))).spf(spfResult, spfDomain);
        for (int i = 0; i < dkimDomainResult.length; i += 2) {
            in.dkim(dkimDomainResult[i], "s", dkimDomainResult[i + 1]);
        }
        DmarcEvaluator.Builder b = DmarcEvaluator.builder(new ZoneResolver(zone));
        if (temperrorDisposition != null) {
            b.temperrorDisposition(temperrorDisposition);
        }
        return b.build().evaluate(in.build());
    }

    /**
     * Issue 14, defect 2: the receiver's DNS trouble (an aligned SPF or DKIM check ended in temperror)
     * is temperror, never fail (RFC 7489 §11.2, RFC 8601 §2.7.1: "a later attempt might produce a
     * final result"). npm mailauth reports fail here and Stalwart leaves the mechanism results none.
     */
    @Test
    void alignedTemperrorIsTemperrorNeverFail_rfc7489_11_2() {
        Map<String, Object> z = zone("_dmarc.example.com", "v=DMARC1; p=reject");
        // SPF temperror (aligned) + DKIM fail (aligned)
        DmarcVerdict v = evalResults(z, null, "temperror", "example.com", "example.com", "fail");
        assertThat(v.result()).isEqualTo(DmarcResult.TEMPERROR);
        assertThat(v.disposition()).isEqualTo(DmarcPolicy.NONE);
        assertThat(v.policy()).as("the domain's policy is still reported").isEqualTo(DmarcPolicy.REJECT);
        assertThat(v.reason()).contains("SPF example.com").contains("temporary error");
        // DKIM temperror (aligned, relaxed: a subdomain) + SPF fail (aligned)
        v = evalResults(z, null, "fail", "example.com", "mail.example.com", "temperror");
        assertThat(v.result()).isEqualTo(DmarcResult.TEMPERROR);
        assertThat(v.reason()).contains("DKIM d=mail.example.com");
        // both
        v = evalResults(z, null, "temperror", "bounce.example.com", "example.com", "temperror");
        assertThat(v.result()).isEqualTo(DmarcResult.TEMPERROR);
        assertThat(v.reason()).contains("SPF bounce.example.com").contains("DKIM d=example.com");
        // only DKIM, no SPF result at all
        assertThat(evalResults(z, null, "none", null, "example.com", "temperror").result()).isEqualTo(DmarcResult.TEMPERROR);
    }

    @Test
    void temperrorOfAnIdentifierThatCannotAlignChangesNothing() {
        Map<String, Object> z = zone("_dmarc.example.com", "v=DMARC1; p=reject");
        DmarcVerdict v = evalResults(z, null, "temperror", "example.net", "example.com", "fail");
        assertThat(v.result()).isEqualTo(DmarcResult.FAIL);
        assertThat(v.disposition()).isEqualTo(DmarcPolicy.REJECT);
        v = evalResults(z, null, "fail", "example.com", "example.org", "temperror");
        assertThat(v.result()).isEqualTo(DmarcResult.FAIL);
        // strict alignment: a subdomain's temperror cannot align either
        Map<String, Object> strict = zone("_dmarc.example.com", "v=DMARC1; p=reject; adkim=s; aspf=s");
        assertThat(evalResults(strict, null, "temperror", "bounce.example.com", "mail.example.com", "temperror").result())
                .isEqualTo(DmarcResult.FAIL);
        // a malformed signature (no d=) never aligns
        assertThat(evalResults(z, null, "fail", "example.com", "", "temperror").result()).isEqualTo(DmarcResult.FAIL);
    }

    @Test
    void anAlignedPassWinsOverAnotherTemperror() {
        Map<String, Object> z = zone("_dmarc.example.com", "v=DMARC1; p=reject");
        assertThat(evalResults(z, null, "temperror", "example.com", "example.com", "pass").result()).isEqualTo(DmarcResult.PASS);
        assertThat(evalResults(z, null, "pass", "example.com", "example.com", "temperror").result()).isEqualTo(DmarcResult.PASS);
    }

    @Test
    void temperrorDispositionIsConfigurableButNeverReject() {
        Map<String, Object> z = zone("_dmarc.example.com", "v=DMARC1; p=reject");
        assertThat(evalResults(z, DmarcPolicy.QUARANTINE, "temperror", "example.com").disposition()).isEqualTo(DmarcPolicy.QUARANTINE);
        // the same disposition when the _dmarc lookup itself fails
        Map<String, Object> broken = zone("_dmarc.example.com", List.of("TIMEOUT"));
        DmarcVerdict v = evalResults(broken, DmarcPolicy.QUARANTINE, "pass", "example.com");
        assertThat(v.result()).isEqualTo(DmarcResult.TEMPERROR);
        assertThat(v.disposition()).isEqualTo(DmarcPolicy.QUARANTINE);
        assertThat(evalResults(broken, null, "pass", "example.com").disposition()).isEqualTo(DmarcPolicy.NONE);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DmarcEvaluator.builder(new ZoneResolver(z))
                .temperrorDisposition(DmarcPolicy.REJECT)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pctSamplingDowngradesInRfc7489Only_rfc7489_6_6_4() {
        Map<String, Object> z = zone("_dmarc.example.com", "v=DMARC1; p=reject; pct=50");
        assertThat(eval(DmarcMode.RFC7489, z, 0.4, "a@example.com", "fail", "example.com").disposition()).isEqualTo(DmarcPolicy.REJECT);
        DmarcVerdict out = eval(DmarcMode.RFC7489, z, 0.6, "a@example.com", "fail", "example.com");
        assertThat(out.disposition()).isEqualTo(DmarcPolicy.QUARANTINE);
        assertThat(out.policy()).isEqualTo(DmarcPolicy.REJECT);
        assertThat(out.reason()).contains("pct=50");
        assertThat(eval(DmarcMode.RFC9989, z, 0.6, "a@example.com", "fail", "example.com").disposition()).isEqualTo(DmarcPolicy.REJECT);
    }

    @Test
    void testingModeDowngradesInRfc9989() {
        Map<String, Object> z = zone("_dmarc.example.com", "v=DMARC1; p=quarantine; t=y");
        assertThat(eval(DmarcMode.RFC9989, z, 0, "a@example.com", "fail", "x.test").disposition()).isEqualTo(DmarcPolicy.NONE);
        assertThat(eval(DmarcMode.RFC7489, z, 0, "a@example.com", "fail", "x.test").disposition()).isEqualTo(DmarcPolicy.QUARANTINE);
    }

    @Test
    void strictAndRelaxedAlignment_rfc7489_3_1() {
        Map<String, Object> relaxed = zone("_dmarc.example.com", "v=DMARC1; p=reject");
        Map<String, Object> strict = zone("_dmarc.example.com", "v=DMARC1; p=reject; adkim=s; aspf=s");
        for (DmarcMode mode : DmarcMode.values()) {
            assertThat(eval(mode, relaxed, 0, "a@example.com", "none", null, "mail.example.com").result()).isEqualTo(DmarcResult.PASS);
            assertThat(eval(mode, strict, 0, "a@example.com", "none", null, "mail.example.com").result()).isEqualTo(DmarcResult.FAIL);
            assertThat(eval(mode, relaxed, 0, "a@example.com", "pass", "bounce.example.com").result()).isEqualTo(DmarcResult.PASS);
            assertThat(eval(mode, strict, 0, "a@example.com", "pass", "bounce.example.com").result()).isEqualTo(DmarcResult.FAIL);
            assertThat(eval(mode, strict, 0, "a@example.com", "pass", "example.com").result()).isEqualTo(DmarcResult.PASS);
            assertThat(eval(mode, relaxed, 0, "a@example.com", "pass", "example.net", "example.org").result()).isEqualTo(DmarcResult.FAIL);
            assertThat(eval(mode, relaxed, 0, "a@example.com", "softfail", "example.com").result()).isEqualTo(DmarcResult.FAIL);
        }
    }

    @Test
    void publicSuffixListOrganizationalDomains_rfc7489_3_2() {
        PublicSuffixList psl = PublicSuffixList.builtIn();
        assertThat(psl.size()).isGreaterThan(9000);
        assertThat(psl.organizationalDomain("a.b.example.co.uk")).isEqualTo("example.co.uk");
        assertThat(psl.organizationalDomain("mail.example.com")).isEqualTo("example.com");
        assertThat(psl.organizationalDomain("foo.bar.blogspot.com")).isEqualTo("bar.blogspot.com");
        assertThat(psl.organizationalDomain("www.ck")).isEqualTo("www.ck");           // !www.ck exception
        assertThat(psl.organizationalDomain("a.foo.bar.ck")).isEqualTo("foo.bar.ck");  // *.ck wildcard
        assertThat(psl.organizationalDomain("co.uk")).isEqualTo("co.uk");
        assertThat(psl.organizationalDomain("x.unknowntld")).isEqualTo("x.unknowntld");
        assertThat(psl.organizationalDomain("WWW.B\u00dcCHER.de")).isEqualTo("xn--bcher-kva.de");
    }

    @Test
    void treeWalkNamesSkipToSevenLabels_rfc9989_4_10() {
        assertThat(DmarcEvaluator.walk("a.b.c.d.e.f.g.h.example.com")).containsExactly("a.b.c.d.e.f.g.h.example.com",
                "d.e.f.g.h.example.com", "e.f.g.h.example.com", "f.g.h.example.com", "g.h.example.com", "h.example.com",
                "example.com", "com");
        assertThat(DmarcEvaluator.walk("example.com")).containsExactly("example.com", "com");
    }

    @Test
    void treeWalkOrganizationalDomainFollowsPsd_rfc9989_4_10_2() {
        // psd=n below the registrable domain makes dept.example.com its own organizational domain.
        Map<String, Object> z = zone("_dmarc.dept.example.com", "v=DMARC1; p=reject; psd=n",
                "_dmarc.example.com", "v=DMARC1; p=none");
        assertThat(eval(DmarcMode.RFC9989, z, 0, "a@x.dept.example.com", "pass", "example.com").result()).isEqualTo(DmarcResult.FAIL);
        assertThat(eval(DmarcMode.RFC9989, z, 0, "a@x.dept.example.com", "pass", "y.dept.example.com").result())
                .isEqualTo(DmarcResult.PASS);
        // Without psd the highest record found is the organizational domain.
        Map<String, Object> plain = zone("_dmarc.dept.example.com", "v=DMARC1; p=reject", "_dmarc.example.com", "v=DMARC1; p=none");
        DmarcVerdict v = eval(DmarcMode.RFC9989, plain, 0, "a@x.dept.example.com", "pass", "example.com");
        assertThat(v.result()).isEqualTo(DmarcResult.PASS);
        assertThat(v.orgDomain()).isEqualTo("example.com");
        assertThat(v.policyDomain()).isEqualTo("dept.example.com");
        assertThat(v.policy()).isEqualTo(DmarcPolicy.REJECT); // sp absent -> p of the record found
    }

    @Test
    void recordSelectionEdgeCases_rfc7489_6_6_3() {
        Map<String, Object> two = zone("_dmarc.example.com", List.of(Map.of("TXT", "v=DMARC1; p=reject"), Map.of("TXT", "v=DMARC1; p=none")));
        assertThat(eval(DmarcMode.RFC9989, two, 0, "a@example.com", "fail", "x").result()).isEqualTo(DmarcResult.NONE);
        Map<String, Object> noPWithRua = zone("_dmarc.example.com", "v=DMARC1; rua=mailto:d@example.com");
        DmarcVerdict v = eval(DmarcMode.RFC7489, noPWithRua, 0, "a@example.com", "fail", "x");
        assertThat(v.result()).isEqualTo(DmarcResult.FAIL);
        assertThat(v.policy()).isEqualTo(DmarcPolicy.NONE);
        Map<String, Object> other = zone("_dmarc.example.com", List.of(Map.of("TXT", "some other text"), Map.of("TXT", "v=DMARC1;p=quarantine")));
        assertThat(eval(DmarcMode.RFC9989, other, 0, "a@example.com", "fail", "x").policy()).isEqualTo(DmarcPolicy.QUARANTINE);
        Map<String, Object> timeout = zone("_dmarc.example.com", List.of("TIMEOUT"));
        assertThat(eval(DmarcMode.RFC9989, timeout, 0, "a@example.com", "fail", "x").result()).isEqualTo(DmarcResult.TEMPERROR);
        Map<String, Object> badPct = zone("_dmarc.example.com", "v=DMARC1; p=reject; pct=150");
        assertThat(eval(DmarcMode.RFC7489, badPct, 0, "a@example.com", "fail", "x").result()).isEqualTo(DmarcResult.PERMERROR);
    }

    @Test
    void nonExistentSubdomainUsesNp_rfc9091() {
        Map<String, Object> z = zone("_dmarc.example.com", "v=DMARC1; p=none; sp=quarantine; np=reject",
                "exists.example.com", List.of(Map.of("MX", List.of(10, "mx.example.com"))));
        assertThat(eval(DmarcMode.RFC9989, z, 0, "a@ghost.example.com", "fail", "x").policy()).isEqualTo(DmarcPolicy.REJECT);
        assertThat(eval(DmarcMode.RFC9989, z, 0, "a@exists.example.com", "fail", "x").policy()).isEqualTo(DmarcPolicy.QUARANTINE);
        assertThat(eval(DmarcMode.RFC7489, z, 0, "a@example.com", "fail", "x").policy()).isEqualTo(DmarcPolicy.NONE);
    }

    @Test
    void severalFromAddressesTakeTheStrictestOutcome() {
        Map<String, Object> z = zone("_dmarc.example.com", "v=DMARC1; p=reject", "_dmarc.example.org", "v=DMARC1; p=quarantine");
        DmarcInput in = DmarcInput.builder(FromDomains.parse(List.of("a@example.org, \"b, c\" <b@example.com>")))
                .dkim("example.org", "s", "pass").build();
        DmarcVerdict v = DmarcEvaluator.builder(new ZoneResolver(z)).build().evaluate(in);
        assertThat(v.fromDomain()).isEqualTo("example.com");
        assertThat(v.disposition()).isEqualTo(DmarcPolicy.REJECT);
    }

    @Test
    void fromHeaderParsing() {
        assertThat(FromDomains.parse(List.of("\"Test, User\" <test@Example.COM>")).domains()).containsExactly("example.com");
        assertThat(FromDomains.parse(List.of("test@example.com (Comment, with <x@y.z>)")).domains()).containsExactly("example.com");
        assertThat(FromDomains.parse(List.of("Group: a@one.test, b@two.test;")).domains()).containsExactly("one.test", "two.test");
        assertThat(FromDomains.parse(List.of("=?utf-8?q?J=C3=B6rg?= <j@x.test>")).domains()).containsExactly("x.test");
        assertThat(FromDomains.parse(List.of("a@[192.0.2.1]")).status()).isEqualTo(FromDomains.Status.UNPARSEABLE);
        assertThat(FromDomains.parse(List.of("a@bad..test")).status()).isEqualTo(FromDomains.Status.UNPARSEABLE);
        assertThat(FromDomains.parse(List.of("")).status()).isEqualTo(FromDomains.Status.UNPARSEABLE);
        assertThat(FromDomains.parse(List.of()).status()).isEqualTo(FromDomains.Status.NO_FROM);
    }

    @Test
    void randomRecordsNeverThrow() {
        Random rnd = new Random(7489);
        String alphabet = "v=DMARC1;p=nonerejectquarantine sp np pct t=y psd adkim aspf rua mailto:@,\u00e9\"";
        for (int i = 0; i < 3000; i++) {
            StringBuilder sb = new StringBuilder("v=DMARC1;");
            int len = rnd.nextInt(50);
            for (int j = 0; j < len; j++) {
                sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            }
            for (DmarcMode mode : DmarcMode.values()) {
                DmarcVerdict v = eval(mode, zone("_dmarc.example.com", sb.toString()), 0.5, "a@example.com", "pass", "example.net");
                assertThat(v.result()).as(sb.toString()).isNotNull();
                assertThat(v.disposition()).isNotNull();
            }
        }
    }
}

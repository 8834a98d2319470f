package io.mailsec.bench.spfdmarc;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.james.jspf.core.DNSServiceEnabled;
import org.apache.james.jspf.core.MacroExpand;
import org.apache.james.jspf.core.MacroExpandEnabled;
import org.apache.james.jspf.core.SPFCheckEnabled;
import org.apache.james.jspf.executor.SynchronousSPFExecutor;
import org.apache.james.jspf.impl.DefaultTermsFactory;
import org.apache.james.jspf.impl.SPF;
import org.apache.james.jspf.parser.RFC4408SPF1Parser;
import org.apache.james.jspf.wiring.WiringServiceTable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import io.mailsec.core.dns.CachingDnsResolver;
import io.mailsec.dmarc.DmarcEvaluator;
import io.mailsec.dmarc.DmarcInput;
import io.mailsec.dmarc.DmarcMode;
import io.mailsec.dmarc.DmarcResult;
import io.mailsec.dmarc.FromDomains;
import io.mailsec.spf.SpfEvaluator;
import io.mailsec.spf.SpfResult;

/**
 * Single-threaded throughput with a warm DNS cache: SPF through a 3-level include chain (mailsec
 * and jSPF 1.0.3 side by side on the same in-memory DNS data) and DMARC evaluation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgs = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SpfDmarcBenchmark {
    SpfEvaluator mailsecSpf;
    SPF jspf;
    DmarcEvaluator dmarc9989;
    DmarcEvaluator dmarc7489;
    DmarcInput dmarcPass;
    DmarcInput dmarcFail;

    @Setup
    public void setUp() {
        BenchZone zone = new BenchZone();
        CachingDnsResolver cache = CachingDnsResolver.of(zone);
        mailsecSpf = SpfEvaluator.builder(cache).build();
        jspf = jspf(zone);
        dmarc9989 = DmarcEvaluator.builder(cache).mode(DmarcMode.RFC9989).build();
        dmarc7489 = DmarcEvaluator.builder(cache).mode(DmarcMode.RFC7489).build();
        dmarcPass = DmarcInput.builder(FromDomains.parse(List.of("Alice <alice@mail.example.com>")))
                .spf("pass", "bounces.example.com").dkim("example.com", "s1", "pass").build();
        dmarcFail = DmarcInput.builder(FromDomains.parse(List.of("Bob <bob@example.org>")))
                .spf("fail", "example.net").dkim("sub.example.org", "s1", "pass").build();
        // Both implementations must agree before we time them.
        check(mailsecSpf.checkMailFrom("192.0.2.55", "joe@example.com", "mx.example.net").result() == SpfResult.PASS, "mailsec spf");
        check("pass".equals(jspf.checkSPF("192.0.2.55", "joe@example.com", "mx.example.net").getResult()), "jspf");
        check("fail".equals(jspf.checkSPF("203.0.113.1", "joe@example.com", "mx.example.net").getResult()), "jspf fail");
        check(dmarc9989.evaluate(dmarcPass).result() == DmarcResult.PASS, "dmarc pass");
        check(dmarc9989.evaluate(dmarcFail).result() == DmarcResult.FAIL, "dmarc fail");
    }

    /**
     * jSPF wired as {@code new SPF(dns)} does, but with jSPF's own SynchronousSPFExecutor: the default
     * AsynchronousSPFExecutor drops the TXT continuation after the type-SPF query when the DNS future is
     * already complete (as from a warm in-memory cache) and answers "none".
     */
    static SPF jspf(BenchZone zone) {
        WiringServiceTable wiring = new WiringServiceTable();
        MacroExpand macroExpand = new MacroExpand(zone);
        SPF spf = new SPF(zone, new RFC4408SPF1Parser(new DefaultTermsFactory(wiring)), macroExpand,
                new SynchronousSPFExecutor(zone));
        wiring.put(DNSServiceEnabled.class, zone);
        wiring.put(MacroExpandEnabled.class, macroExpand);
        wiring.put(SPFCheckEnabled.class, spf);
        return spf;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("benchmark precondition failed: " + what);
        }
    }

    @Benchmark
    public Object spfMailsec() {
        return mailsecSpf.checkMailFrom("192.0.2.55", "joe@example.com", "mx.example.net");
    }

    @Benchmark
    public Object spfJspf() {
        return jspf.checkSPF("192.0.2.55", "joe@example.com", "mx.example.net").getResult();
    }

    /** Aligned relaxed DKIM from a subdomain: tree walk for the policy and the organizational domain. */
    @Benchmark
    public Object dmarcRfc9989Pass() {
        return dmarc9989.evaluate(dmarcPass);
    }

    /** Strict DKIM alignment fails, SPF fails: quarantine. */
    @Benchmark
    public Object dmarcRfc9989Fail() {
        return dmarc9989.evaluate(dmarcFail);
    }

    @Benchmark
    public Object dmarcRfc7489Pass() {
        return dmarc7489.evaluate(dmarcPass);
    }
}

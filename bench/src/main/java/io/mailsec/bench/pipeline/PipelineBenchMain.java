package io.mailsec.bench.pipeline;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.mailsec.core.dns.Dnsmasq;
import io.mailsec.dkim.DkimKeys;
import io.mailsec.dkim.DkimSigner;
import io.mailsec.dkim.SignSpec;
import io.mailsec.dkim.SigningKey;
import io.mailsec.it.JamesProcess;
import io.mailsec.it.ShippedConf;

/**
 * Issue 7's end-to-end benchmark: James's stock pipeline against the mailsec inbound pipeline
 * (SPF, DKIM verify, DMARC, TLS facts; no virus scan), both real James 3.8.1 processes, taking
 * turns in the same run. Mail is DKIM-signed (RSA-2048) for an SPF- and DMARC-aligned domain
 * served by a real dnsmasq, and sent from 127.0.6.10 so the inbound checks really run. A third James
 * runs the peer the issue compares with, James's own DKIMVerify and SPF mailets, in the same rounds.
 *
 * <p>Usage: {@code scripts/bench-pipeline.sh [messagesPerRound] [rounds]} (defaults 1500, 8).
 */
public final class PipelineBenchMain {
    static final String DNS = "127.0.6.53";
    static final String CLIENT = "127.0.6.10";
    static final String DOMAIN = "bench.test";
    static final String LOCAL = "bench-local.test";
    /** Compiler-thread CPU per message below which a James counts as compiled (warm-up done). */
    static final double QUIET_JIT_MS = 0.1;
    static final String VIRUS_SCAN = "<mailet match=\"All\" class=\"io.mailsec.av.james.VirusScan\">\n"
            + "                <clamd>127.0.0.1:3310</clamd>\n            </mailet>";

    public static void main(String[] args) throws Exception {
        int perRound = args.length > 0 ? Integer.parseInt(args[0]) : 1500;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        Path work = Files.createDirectories(JamesProcess.root().resolve("bench/target/pipeline"));

        // On 2 cores James's C2 compiler lags far behind the load: after 3,000 messages most of the
        // once-per-message code (ours and James's) still ran as C1 code with profiling, 2-5x slower than
        // after C2 (jcmd Compiler.codelist), and the compiler threads kept using 0.3-0.4 ms per message
        // until 50,000-60,000 messages (then < 0.07). The steady state is what a server lives in: the
        // warm-up runs at least bench.warmup messages per James and then goes on until the compiler
        // threads of every James used less than QUIET_JIT_MS per message in its last round, at most
        // bench.warmupMax messages.
        int warmup = Integer.getInteger("bench.warmup", Math.max(30000, 2 * perRound));
        int warmupMax = Math.max(warmup, Integer.getInteger("bench.warmupMax", 90000));
        boolean jfr = Boolean.getBoolean("bench.jfr");
        // third James: "builtin" (the issue's peer, default), "nochecks" (diagnostic: the mailsec
        // configuration without the checks' work), "false" (none)
        String third = System.getProperty("bench.peer", "builtin");
        boolean peer = !"false".equals(third);
        boolean noChecks = "nochecks".equals(third);
        String thirdName = noChecks ? "nochecks" : "builtin";
        CpuProfiler profiler = Boolean.getBoolean("bench.profile") ? CpuProfiler.extractTo(work) : null;
        String jfrSettings = "settings=" + System.getProperty("bench.jfr.settings", "profile");
        SigningKey key = DkimKeys.generate(SigningKey.Type.RSA, 2048, "bench");
        SignSpec spec = new SignSpec(key, DOMAIN, "s1");
        try (Dnsmasq dns = Dnsmasq.start(DNS, List.of("test"), List.of(
                "txt-record=" + DOMAIN + ",\"v=spf1 ip4:127.0.6.0/24 -all\"",
                // The sender's HELO name has its own SPF record (RFC 7208 §2.3), and the DMARC tree walk's
                // top name _dmarc.test answers: dnsmasq gives NXDOMAIN without the SOA that real
                // authoritative servers include (RFC 2308 §3), so those negative answers could not be
                // cached (RFC 2308 §5) and every message would pay two DNS round trips that a production
                // resolver answers from its cache.
                "txt-record=mta." + DOMAIN + ",\"v=spf1 ip4:127.0.6.0/24 -all\"",
                "txt-record=_dmarc.test,\"v=DMARC1; p=none; psd=y\"",
                "txt-record=_dmarc." + DOMAIN + ",\"v=DMARC1; p=reject\"",
                txt("s1._domainkey." + DOMAIN, key.dnsRecord())));
             JamesProcess stock = james("bench-stock", stockOverlay(work), "");
             JamesProcess mailsec = james("bench-mailsec", mailsecOverlay(work), "");
             // jDKIM's key lookup and jSPF use dnsjava's default resolver, which takes dns.server
             JamesProcess builtin = !peer ? null : noChecks ? james("bench-nochecks", noChecksOverlay(work), "")
                     : james("bench-builtin", builtinOverlay(work), " -Ddns.server=" + DNS)) {

            PipelineLoadBench.MessageSource source = new PipelineLoadBench.MessageSource() {
                @Override
                public String message(int i, String from, String rcpt) {
                    String msg = PipelineLoadBench.plainMessage(i, "alice@" + DOMAIN, rcpt, "");
                    try {
                        String sig = DkimSigner.sign(msg.getBytes(StandardCharsets.US_ASCII), List.of(spec)).get(0);
                        return sig + "\r\n" + msg;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }

                @Override
                public String envelopeFrom() {
                    return "bounce@" + DOMAIN;
                }

                @Override
                public String helo() {
                    return "mta." + DOMAIN;
                }
            };
            // Diagnostic (BENCH_STOCK_HEADER=1): both mailboxes store the same header bytes.
            PipelineLoadBench.MessageSource stockSource = Boolean.getBoolean("bench.stockHeader")
                    ? withAuthResultsHeader(source, java.net.InetAddress.getLocalHost().getCanonicalHostName()) : source;
            PipelineLoadBench a = new PipelineLoadBench("stock", stock, stockSource, LOCAL, CLIENT);
            PipelineLoadBench b = new PipelineLoadBench("mailsec", mailsec, source, LOCAL, CLIENT);
            List<PipelineLoadBench> all = peer ? List.of(a, b, new PipelineLoadBench(thirdName, builtin, source, LOCAL, CLIENT))
                    : List.of(a, b);
            List<JamesProcess> jvms = all.stream().map(PipelineLoadBench::james).toList();
            // Warm-up (not counted): every JVM gets the same number of messages, in turns, so the
            // JIT has compiled the hot paths of all before anything is measured.
            // Rounds of perRound messages: each starts with empty INBOXes, as the measured ones do
            // (James's memory mailbox re-reads every stored message on each delivery).
            if (jfr) {
                // Starting JFR instruments JDK classes and throws away compiled code that depends on
                // them; started only after the warm-up, the first measured rounds ran 2-6x slower.
                // So a recording runs through the warm-up and is discarded; the measured one, started
                // with the same settings, changes nothing that is compiled.
                for (JamesProcess j : jvms) {
                    jcmd(j, "JFR.start", "name=warmup", jfrSettings);
                }
            }
            int warmed = 0;
            double busiestJit = Double.NaN;
            while (warmed < warmupMax) {
                int n = warmed < warmup ? Math.min(perRound, warmup - warmed) : Math.min(perRound, warmupMax - warmed);
                busiestJit = 0;
                for (PipelineLoadBench p : all) {
                    busiestJit = Math.max(busiestJit, p.round(n).cpuByThread().getOrDefault("jit", 0.0));
                }
                warmed += n;
                if (warmed >= warmup && busiestJit < QUIET_JIT_MS) {
                    break;
                }
            }
            if (jfr) {
                for (JamesProcess j : jvms) {
                    jcmd(j, "JFR.start", "name=bench", jfrSettings);
                    jcmd(j, "JFR.stop", "name=warmup");
                }
            }
            if (profiler != null) {
                for (JamesProcess j : jvms) {
                    profiler.start(j.jamesJvm().pid());
                }
            }
            List<List<PipelineLoadBench.RoundResult>> results = new ArrayList<>();
            all.forEach(p -> results.add(new ArrayList<>()));
            // Two pipelines: the order flips every round (S M | M S | ...), so each James also runs
            // twice in a row; three: it rotates, and no James follows itself.
            for (int r = 0; r < rounds; r++) {
                // rotate which one goes first, so none always follows the same one's drain
                for (int k = 0; k < all.size(); k++) {
                    int i = (r + k) % all.size();
                    results.get(i).add(all.get(i).round(perRound));
                }
            }
            if (jfr) {
                for (PipelineLoadBench p : all) {
                    jcmd(p.james(), "JFR.dump", "name=bench", "filename=" + work.resolve(p.name() + ".jfr"));
                }
                System.out.println("JFR recordings (measured rounds only; recording since the warm-up): " + work.resolve("*.jfr"));
            }
            if (profiler != null) {
                for (PipelineLoadBench p : all) {
                    profiler.stop(p.james().jamesJvm().pid(), work.resolve(p.name() + ".collapsed"));
                }
                System.out.println("CPU profiles (measured rounds, collapsed stacks by thread): " + work.resolve("*.collapsed")
                        + "; compare two with scripts/profile-diff.py");
            }
            StringBuilder out = new StringBuilder();
            out.append("James JVM options (all): ").append(JAVA_OPTS).append("; warm-up ").append(warmed)
                    .append(String.format(" messages each (at least %d, at most %d, until the compiler threads of every James used"
                            + " < %.2f ms/msg in a round; last warm-up round: %.3f); ", warmup, warmupMax, QUIET_JIT_MS, busiestJit)).append(rounds).append(" alternating rounds of ").append(perRound).append('\n');
            out.append(String.format("%-8s %6s %8s %9s %8s %8s %10s %12s %10s%n", "pipeline", "msgs", "seconds", "msgs/s",
                    "p50 ms", "p99 ms", "cpu ms/msg", "(w/o JIT)", "peak RSS"));
            for (int r = 0; r < rounds; r++) {
                for (List<PipelineLoadBench.RoundResult> rs : results) {
                    PipelineLoadBench.RoundResult x = rs.get(r);
                    out.append(String.format("%-8s %6d %8.1f %9.1f %8.2f %8.2f %10.3f %12.3f %8d MB%n", x.name(), x.messages(),
                            x.seconds(), x.msgsPerSecond(), x.p50Ms(), x.p99Ms(), x.cpuMsPerMessage(),
                            x.cpuMsPerMessageWithoutJit(), x.peakRssKb() / 1024));
                }
            }
            List<PipelineLoadBench.RoundResult> ra = results.get(0);
            List<PipelineLoadBench.RoundResult> rb = results.get(1);
            PipelineLoadBench.summary(ra, rb).forEach((k, v) -> out.append(k).append(" = ").append(v).append('\n'));
            if (peer) {
                List<PipelineLoadBench.RoundResult> rc = results.get(2);
                out.append(noChecks ? "\n--- diagnostic: the mailsec configuration without the checks (nochecks) against stock, same run ---\n"
                        : "\n--- peer: James's own DKIMVerify + SPF mailets (builtin) against stock, same run ---\n");
                PipelineLoadBench.summary(ra, rc).forEach((k, v) -> out.append(thirdName).append(": ").append(k).append(" = ").append(v).append('\n'));
                double sumB = rb.stream().mapToDouble(PipelineLoadBench.RoundResult::msgsPerSecond).sum();
                double sumC = rc.stream().mapToDouble(PipelineLoadBench.RoundResult::msgsPerSecond).sum();
                out.append(String.format("ratio_mailsec_to_%s_msgs_per_s = %.3f%n", thirdName, sumB / sumC));
                if (noChecks) {
                    PipelineLoadBench.summary(rc, rb).forEach((k, v) -> out.append("mailsec vs nochecks: ").append(k).append(" = ").append(v).append('\n'));
                }
            }
            System.out.print(out);
            PipelineLoadBench.writeReport(work.resolve("pipeline.txt"), out.toString());
            // Proof that the mailsec pipeline really evaluated the mail (the Authentication-Results
            // header James delivered) and that the stock one did not.
            String log = mailsec.log();
            System.out.println("mailsec log: dmarc result=pass lines with spf=pass and dkim.results=" + DOMAIN + "/s1=pass: "
                    + log.lines().filter(l -> l.contains("dmarc mail=") && l.contains("result=pass") && l.contains("spf=pass")
                            && l.contains("dkim.results=" + DOMAIN + "/s1=pass")).count());
        }
    }

    /**
     * 3 GB: James's memory app keeps the blob of every message it ever stored (emptying a mailbox
     * does not free them), ~10 KB a message here; with 1 GB the collector took 0.7-0.9 ms per message
     * after 60,000 messages and p99 went from 40 to 200 ms, in every pipeline alike.
     */
    static final String JAVA_OPTS = "-Xms512m -Xmx3g -XX:+UseParallelGC";

    /**
     * {@code source}'s messages with an Authentication-Results field as long as the one the mailsec
     * pipeline adds (same authserv-id, its default: the host's canonical name), so that stock stores
     * the same header bytes and the difference left is the work of the checks alone.
     */
    static PipelineLoadBench.MessageSource withAuthResultsHeader(PipelineLoadBench.MessageSource source, String authservId) {
        return new PipelineLoadBench.MessageSource() {
            @Override
            public String message(int i, String from, String rcpt) {
                return "Authentication-Results: " + authservId + ";\r\n\tspf=pass smtp.mailfrom=" + source.envelopeFrom()
                        + ";\r\n\tdkim=pass header.d=" + DOMAIN + " header.s=s1;\r\n\tdmarc=pass header.from=" + DOMAIN
                        + " policy.dmarc=reject\r\n" + source.message(i, from, rcpt);
            }

            @Override
            public String envelopeFrom() {
                return source.envelopeFrom();
            }

            @Override
            public String helo() {
                return source.helo();
            }
        };
    }

    /**
     * Every James JVM: identical JVM options (the peer adds only a system property), no clamd (the
     * virus scan is in no pipeline).
     */
    static JamesProcess james(String name, Path overlay, String extraOpts) throws Exception {
        return JamesProcess.builder(name).overlay(overlay).dnsServer(DNS).javaOpts(JAVA_OPTS + extraOpts
                // inlined frames in the profile are named where they ran
                + (Boolean.getBoolean("bench.profile") ? " -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints" : ""))
                .env("CLAMD", "127.0.0.1:9").start();
    }

    static void jcmd(JamesProcess james, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("jcmd", String.valueOf(james.jamesJvm().pid())));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    static String txt(String name, String value) {
        StringBuilder b = new StringBuilder("txt-record=").append(name);
        for (int i = 0; i < value.length(); i += 250) {
            b.append(",\"").append(value, i, Math.min(value.length(), i + 250)).append('"');
        }
        return b.toString();
    }

    /** James's stock inbound pipeline: no mailsec stage, no mailsec SMTP hook on the MX. */
    static Path stockOverlay(Path work) throws Exception {
        return withoutMailsec(work, "stock", "");
    }

    /**
     * The peer the issue names: stock plus James 3.8.1's own DKIM verification (jDKIM's DKIMVerify,
     * bound by the memory app's DKIMMailetModule) and SPF mailet (jSPF; Received-SPF header as James
     * documents it). Each is followed by a routing step, as the DMARC routing follows the mailsec
     * checks, that sends every mail not passing away from the mailboxes: a round completes only if
     * every message really verified.
     */
    static Path builtinOverlay(Path work) throws Exception {
        return withoutMailsec(work, "builtin", "<mailet match=\"All\" class=\"org.apache.james.jdkim.mailets.DKIMVerify\"/>\n"
                + "            <mailet match=\"HasMailAttributeWithValueRegex=jDKIM.AUTHRESULT, (?!pass).*\" class=\"ToProcessor\">\n"
                + "                <processor>dmarc-reject</processor>\n            </mailet>\n"
                + "            <mailet match=\"All\" class=\"SPF\">\n                <addHeader>true</addHeader>\n"
                + "                <ignoreLocalIps>false</ignoreLocalIps>\n            </mailet>\n"
                + "            <mailet match=\"HasMailAttributeWithValueRegex=org.apache.james.transport.mailets.spf.result, (?!pass$).*\""
                + " class=\"ToProcessor\">\n                <processor>dmarc-reject</processor>\n            </mailet>");
    }

    /** The shipped mailetcontainer.xml from the MailAuthCheck element up to and including {@code end}. */
    static String shippedMailAuthCheck(String end) throws Exception {
        String shipped = Files.readString(JamesProcess.root().resolve("james-conf/conf/mailetcontainer.xml"));
        String start = "<mailet match=\"All\" class=\"io.mailsec.dmarc.james.MailAuthCheck\">";
        int from = shipped.indexOf(start);
        int to = shipped.indexOf(end, Math.max(from, 0));
        if (from < 0 || to < 0) {
            throw new IllegalStateException("james-conf/conf/mailetcontainer.xml no longer has the MailAuthCheck step this bench edits"
                    + " (from " + start + " to " + end + ")");
        }
        return shipped.substring(from, to + end.length());
    }

    /** The shipped configuration with the mailsec checks replaced by {@code checks} and no mailsec hook. */
    static Path withoutMailsec(Path work, String name, String checks) throws Exception {
        String inboundChecks = shippedMailAuthCheck("<processor>dmarc-reject</processor>\n            </mailet>");
        return ShippedConf.in(Files.createTempDirectory(work, name))
                .edit("mailetcontainer.xml", "<mailet match=\"All\" class=\"io.mailsec.core.james.MailsecStamp\"/>", "")
                .edit("mailetcontainer.xml", inboundChecks, checks)
                .edit("mailetcontainer.xml", VIRUS_SCAN, "")
                .edit("smtpserver.xml", "<handler class=\"io.mailsec.tls.james.TlsReceivedHook\"/>", "")
                .edit("smtpserver.xml", "<handler class=\"io.mailsec.core.james.TlsRequiredForAuthHook\"/>", "")
                .edit("smtpserver.xml", "<handler class=\"io.mailsec.tls.james.InboundTlsPolicyHook\">", "<!--")
                .edit("smtpserver.xml", "<checkInterval>5s</checkInterval>\n            </handler>", "-->")
                .dir();
    }

    /**
     * Diagnostic (BENCH_PEER=nochecks): the mailsec pipeline with everything but the work of the
     * checks: the same SMTP hooks, the same root steps (the DMARC routing step stays and finds
     * nothing), the message modified in root as {@code MailAuthCheck} modifies it (here by
     * {@code MailsecStamp}'s header). mailsec minus this is what the checks cost inside James.
     */
    static Path noChecksOverlay(Path work) throws Exception {
        String check = shippedMailAuthCheck("<temperrorDisposition>none</temperrorDisposition>\n            </mailet>");
        return ShippedConf.in(Files.createTempDirectory(work, "nochecks"))
                .edit("mailetcontainer.xml", VIRUS_SCAN, "")
                .edit("mailetcontainer.xml", check, "<mailet match=\"All\" class=\"io.mailsec.core.james.MailsecStamp\"/>")
                .dir();
    }

    /** The shipped mailsec pipeline without the virus scan. */
    static Path mailsecOverlay(Path work) throws Exception {
        return ShippedConf.in(Files.createTempDirectory(work, "mailsec"))
                .edit("mailetcontainer.xml", VIRUS_SCAN, "")
                .dir();
    }
}

package io.mailsec.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailsec.core.dns.DnsResolver;
import io.mailsec.core.dns.DnsjavaResolver;
import io.mailsec.spf.SpfEvaluator;
import io.mailsec.spf.SpfVerdict;

/** {@code mailsec spf check --ip IP --sender ADDR --helo NAME [--dns HOST[:PORT]] [--json]}. */
public final class SpfCommand implements Subcommand {
    static final String USAGE = String.join("\n",
            "usage: mailsec spf check --ip IP --sender ADDR --helo NAME [--dns HOST[:PORT]] [--receiver NAME] [--timeout MS] [--json]",
            "  Evaluates SPF (RFC 7208) for the MAIL FROM identity; an empty --sender \"\" checks postmaster@HELO.",
            "  --helo-only      check the HELO identity instead of MAIL FROM",
            "  --dns            DNS server(s), comma-separated (default: the system resolvers)",
            "  --json           print {\"result\", \"explanation\", \"mechanism\", \"domain\", \"problem\", \"receivedSpf\"}",
            "  Exit status 0 whatever the SPF result; 2 on bad usage.");

    @Override
    public String summary() {
        return "SPF (RFC 7208): spf check --ip --sender --helo";
    }

    /** No arguments, --help or -h: print the usage. */
    static boolean wantsUsage(List<String> args) {
        return args.isEmpty() || args.contains("--help") || args.contains("-h");
    }

    /** The options after the one subcommand the spf and dmarc commands have, "check". */
    static List<String> checkArguments(List<String> args) throws UsageException {
        if (!args.get(0).equals("check")) {
            throw new UsageException("unknown subcommand '" + args.get(0) + "' (expected: check)");
        }
        return args.subList(1, args.size());
    }

    @Override
    public int run(List<String> args, InputStream in, PrintStream out, PrintStream err) throws Exception {
        if (wantsUsage(args)) {
            out.println(USAGE);
            return args.isEmpty() ? 2 : 0;
        }
        SpfCliOptions o = SpfCliOptions.parse(checkArguments(args), false);
        if (o.ip == null || o.helo == null || o.sender == null && !o.heloOnly) {
            throw new UsageException("--ip, --sender and --helo are required\n" + USAGE);
        }
        SpfEvaluator spf = SpfEvaluator.builder(o.resolver()).receiver(o.receiver).executor(io.mailsec.spf.ParallelLookups.sharedExecutor()).build();
        SpfVerdict v = o.heloOnly ? spf.checkHelo(o.ip, o.helo) : spf.checkMailFrom(o.ip, o.sender, o.helo);
        if (o.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("result", v.result().word());
            m.put("explanation", v.explanation());
            m.put("mechanism", v.mechanism());
            m.put("domain", v.domain());
            m.put("identity", v.identity());
            m.put("problem", v.problem());
            m.put("receivedSpf", v.receivedSpf(o.receiver));
            out.println(new ObjectMapper().writeValueAsString(m));
        } else {
            out.println("spf=" + v.result().word() + (v.mechanism() == null ? "" : " mechanism=" + v.mechanism()));
            if (v.explanation() != null) {
                out.println("explanation: " + v.explanation());
            }
            if (v.problem() != null) {
                out.println("problem: " + v.problem());
            }
            out.println("Received-SPF: " + v.receivedSpf(o.receiver));
        }
        return 0;
    }

    /** Options shared by {@code spf check} and {@code dmarc check}. */
    static final class SpfCliOptions {
        String ip;
        String sender;
        String helo;
        String dns;
        String receiver = "mailsec-cli";
        long timeoutMs = 5000;
        boolean json;
        boolean heloOnly;
        String mode = "rfc9989";
        final List<String> dkim = new java.util.ArrayList<>();

        static SpfCliOptions parse(List<String> args, boolean dmarc) throws UsageException {
            java.util.Set<String> valued = new java.util.HashSet<>(java.util.Set.of("--ip", "--sender", "--helo", "--dns", "--receiver",
                    "--timeout"));
            if (dmarc) {
                valued.addAll(java.util.Set.of("--mode", "--dkim"));
            }
            CliOptions c = CliOptions.parse(args, 0, java.util.Set.of("--json", "--helo-only"), valued);
            // --help was answered before (wantsUsage)
            if (!c.positional().isEmpty()) {
                throw new UsageException("unexpected argument '" + c.positional().get(0) + "'");
            }
            SpfCliOptions o = new SpfCliOptions();
            o.json = c.flag("--json");
            o.heloOnly = c.flag("--helo-only");
            o.ip = c.value("--ip", o.ip);
            o.sender = c.value("--sender", o.sender);
            o.helo = c.value("--helo", o.helo);
            o.dns = c.value("--dns", o.dns);
            o.receiver = c.value("--receiver", o.receiver);
            o.timeoutMs = c.number("--timeout", o.timeoutMs, "milliseconds");
            if (dmarc) {
                o.mode = c.value("--mode", o.mode).toLowerCase(java.util.Locale.ROOT);
                if (!o.mode.equals("rfc9989") && !o.mode.equals("rfc7489")) {
                    throw new UsageException("--mode must be rfc9989 or rfc7489");
                }
                o.dkim.addAll(c.values("--dkim"));
            }
            return o;
        }

        DnsResolver resolver() {
            List<String> servers = o(dns);
            return DnsjavaResolver.create(servers, Duration.ofMillis(timeoutMs));
        }

        private static List<String> o(String dns) {
            List<String> l = new java.util.ArrayList<>();
            if (dns != null) {
                for (String s : dns.split(",")) {
                    if (!s.isBlank()) {
                        l.add(s.trim());
                    }
                }
            }
            return l;
        }
    }
}

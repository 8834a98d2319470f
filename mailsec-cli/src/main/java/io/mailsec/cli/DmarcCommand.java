package io.mailsec.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.mail.internet.InternetHeaders;
import javax.mail.internet.MimeUtility;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailsec.core.dns.CachingDnsResolver;
import io.mailsec.core.dns.DnsResolver;
import io.mailsec.dmarc.DmarcEvaluator;
import io.mailsec.dmarc.DmarcInput;
import io.mailsec.dmarc.DmarcMode;
import io.mailsec.dmarc.DmarcVerdict;
import io.mailsec.dmarc.FromDomains;
import io.mailsec.spf.SpfEvaluator;
import io.mailsec.spf.SpfVerdict;

/**
 * {@code mailsec dmarc check [--ip IP --helo NAME --sender ADDR] [--dns HOST[:PORT]] [--json] < message.eml}:
 * runs SPF, DKIM and DMARC on a message as the pipeline would: the DKIM verifier of DkimVerify, its
 * results read by DmarcCheck's reader. {@code --dkim DOMAIN=RESULT} replaces verification (for what-if checks).
 */
public final class DmarcCommand implements Subcommand {
    static final String USAGE = String.join("\n",
            "usage: mailsec dmarc check [--ip IP --helo NAME [--sender ADDR]] [--dns HOST[:PORT]] [--mode rfc9989|rfc7489]",
            "                           [--dkim DOMAIN=RESULT]... [--json] < message.eml",
            "  Runs SPF (when --ip is given; --sender defaults to the Return-Path header, else the null sender),",
            "  DKIM and DMARC (RFC 9989 by default) on the message read from standard input.",
            "  DKIM: every signature is verified (keys from DNS) as DkimVerify does; --dkim example.com=pass",
            "  (repeatable) skips verification and uses the given results instead.",
            "  --json  prints {\"spf\": {\"result\", \"domain\"}, \"dkim\": [{\"domain\", \"result\"}],",
            "                  \"dmarc\": {\"result\", \"policy\", \"disposition\", \"reason\"}}",
            "  Exit status 0 whatever the results; 2 on bad usage.");

    @Override
    public String summary() {
        return "DMARC (RFC 9989 / RFC 7489): dmarc check < message.eml";
    }

    @Override
    public int run(List<String> args, InputStream in, PrintStream out, PrintStream err) throws Exception {
        if (SpfCommand.wantsUsage(args)) {
            out.println(USAGE);
            return args.isEmpty() ? 2 : 0;
        }
        SpfCommand.SpfCliOptions o = SpfCommand.SpfCliOptions.parse(SpfCommand.checkArguments(args), true);
        if (o.ip != null && o.helo == null) {
            throw new UsageException("--helo is required with --ip");
        }
        byte[] message = in.readAllBytes();
        InternetHeaders headers = new InternetHeaders(new java.io.ByteArrayInputStream(message));
        List<String> from = new ArrayList<>();
        String[] fields = headers.getHeader("From");
        if (fields != null) {
            for (String f : fields) {
                from.add(MimeUtility.unfold(f).trim());
            }
        }
        DnsResolver dns = CachingDnsResolver.of(o.resolver());

        SpfVerdict spf = null;
        if (o.ip != null) {
            String sender = o.sender;
            if (sender == null) {
                String[] rp = headers.getHeader("Return-Path");
                sender = rp == null ? "" : rp[0].replaceAll("[<>\\s]", "");
            }
            spf = SpfEvaluator.builder(dns).receiver(o.receiver).executor(io.mailsec.spf.ParallelLookups.sharedExecutor()).build().checkMailFrom(o.ip, sender, o.helo);
        }
        List<DmarcInput.Dkim> dkim = new ArrayList<>();
        List<io.mailsec.dkim.DkimResult> verified = List.of();
        if (o.dkim.isEmpty()) {
            // The pipeline's path: DkimVerify's results, read by DmarcCheck's attribute reader.
            verified = new io.mailsec.dkim.DkimVerifier(dns).verify(message);
            dkim.addAll(io.mailsec.dmarc.james.DkimResultsAttribute.fromJson(io.mailsec.dkim.DkimResultsJson.toJson(verified)));
        }
        for (String d : o.dkim) {
            int eq = d.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("--dkim needs DOMAIN=RESULT, got '" + d + "'");
            }
            dkim.add(new DmarcInput.Dkim(d.substring(0, eq), null, d.substring(eq + 1)));
        }
        DmarcInput input = DmarcInput.builder(FromDomains.parse(from))
                .spf(spf == null ? "none" : spf.result().word(), spf == null ? null : spf.domain()).dkim(dkim).build();
        DmarcVerdict v = DmarcEvaluator.builder(dns).executor(io.mailsec.spf.ParallelLookups.sharedExecutor()).mode(o.mode.equals("rfc7489") ? DmarcMode.RFC7489 : DmarcMode.RFC9989)
                .build().evaluate(input);

        if (o.json) {
            Map<String, Object> root = new LinkedHashMap<>();
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("result", spf == null ? "none" : spf.result().word());
            s.put("domain", spf == null ? null : spf.domain());
            s.put("mechanism", spf == null ? null : spf.mechanism());
            s.put("evaluated", spf != null);
            root.put("spf", s);
            List<Map<String, Object>> dk = new ArrayList<>();
            for (io.mailsec.dkim.DkimResult r : verified) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("domain", r.domain());
                m.put("result", r.result());
                m.put("selector", r.selector());
                m.put("algorithm", r.algorithm());
                m.put("reason", r.reason());
                m.put("source", "verified");
                dk.add(m);
            }
            if (verified.isEmpty()) {
                for (DmarcInput.Dkim d : dkim) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("domain", d.domain());
                    m.put("result", d.result());
                    m.put("source", "--dkim");
                    dk.add(m);
                }
            }
            root.put("dkim", dk);
            Map<String, Object> dm = new LinkedHashMap<>();
            dm.put("result", v.result().word());
            dm.put("policy", v.policyWord());
            dm.put("disposition", v.disposition().word());
            dm.put("reason", v.reason());
            dm.put("from", v.fromDomain());
            dm.put("policyDomain", v.policyDomain());
            dm.put("orgDomain", v.orgDomain());
            dm.put("mode", o.mode);
            root.put("dmarc", dm);
            out.println(new ObjectMapper().writeValueAsString(root));
        } else {
            out.println("spf=" + (spf == null ? "none (not evaluated: no --ip)" : spf.result().word() + " domain=" + spf.domain()));
            if (!o.dkim.isEmpty()) {
                out.println("dkim (given with --dkim): " + dkim);
            } else if (verified.isEmpty()) {
                out.println("dkim=none (no signature)");
            }
            for (io.mailsec.dkim.DkimResult r : verified) {
                out.println("dkim=" + r.result() + " d=" + r.domain() + " s=" + r.selector() + " a=" + r.algorithm()
                        + " reason=\"" + r.reason() + "\"");
            }
            out.println("dmarc=" + v.result().word() + " policy=" + v.policyWord() + " disposition=" + v.disposition().word()
                    + " from=" + v.fromDomain());
            out.println("reason: " + v.reason());
        }
        return 0;
    }
}

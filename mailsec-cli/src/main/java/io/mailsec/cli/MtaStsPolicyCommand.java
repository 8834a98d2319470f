package io.mailsec.cli;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailsec.core.dns.DnsResolver;
import io.mailsec.core.dns.DnsResult;
import io.mailsec.core.dns.DnsjavaResolver;
import io.mailsec.core.dns.MxRecord;
import io.mailsec.tls.mtasts.StsFetchException;
import io.mailsec.tls.mtasts.StsPolicyParser;

/**
 * {@code mailsec tls mta-sts-policy DOMAIN}: what a domain hosted on this James publishes to ask senders
 * for MTA-STS (RFC 8461) and TLS reports (RFC 8460): the policy file, its TXT record, the TLS-RPT record.
 * The policy is checked with the same parser delivery uses, so what is printed is what senders will read.
 */
final class MtaStsPolicyCommand {
    static final String USAGE = String.join("\n",
            "usage: mailsec tls mta-sts-policy DOMAIN [--mx HOST]... [--mode testing|enforce|none] [--max-age SECONDS]",
            "                                  [--id ID] [--rua URI] [--dns HOST[:PORT]] [--json]",
            "  --mx HOST       an MX host or pattern (*.example.com) the policy names; repeatable (default: DOMAIN's MX records)",
            "  --mode M        testing (default: start here, read the TLS reports), enforce, none (to withdraw a policy)",
            "  --max-age S     seconds senders may cache the policy (default 604800 = 1 week; RFC 8461 §3.2 allows up to 31557600)",
            "  --id ID         the TXT record's id, 1-32 letters and digits (default: the current UTC time, yyyyMMddHHmmss);",
            "                  change it whenever the policy file changes",
            "  --rua URI       where TLS reports go (default mailto:tls-reports@DOMAIN)",
            "  --json          {policy, policyUrl, stsRecord, tlsRptRecord}");
    private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("yyyyMMddHHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);
    private final Clock clock;

    MtaStsPolicyCommand(Clock clock) {
        this.clock = clock;
    }

    int run(List<String> args, PrintStream out) throws Exception {
        CliOptions o = CliOptions.parse(args, 1, Set.of("--json"), Set.of("--mx", "--mode", "--max-age", "--id", "--rua", "--dns"));
        if (o.help()) {
            out.println(USAGE);
            return 0;
        }
        String domain = o.single("DOMAIN");
        if (domain == null) {
            throw new UsageException("DOMAIN missing\n" + USAGE);
        }
        domain = domain.toLowerCase(Locale.ROOT).replaceFirst("\\.$", "");
        String mode = o.value("--mode", "testing");
        long maxAge = o.number("--max-age", 604_800, "seconds");
        String id = o.value("--id", ID.format(Instant.now(clock)));
        if (!id.matches("[A-Za-z0-9]{1,32}")) {
            throw new UsageException("--id must be 1-32 letters and digits (RFC 8461 §3.1), got '" + id + "'");
        }
        List<String> mx = new ArrayList<>(o.values("--mx"));
        if (mx.isEmpty() && !mode.equals("none")) {
            mx = mxHosts(domain, o.value("--dns", null));
        }
        StringBuilder policy = new StringBuilder("version: STSv1\r\nmode: " + mode + "\r\n");
        for (String m : mx) {
            policy.append("mx: ").append(m.toLowerCase(Locale.ROOT).replaceFirst("\\.$", "")).append("\r\n");
        }
        policy.append("max_age: ").append(maxAge).append("\r\n");
        try {
            StsPolicyParser.parse(domain, id, policy.toString(), Instant.now(clock));
        } catch (StsFetchException e) {
            throw new UsageException("the policy would not be valid: " + e.getMessage());
        }
        String url = "https://mta-sts." + domain + "/.well-known/mta-sts.txt";
        String sts = "_mta-sts." + domain + ". IN TXT \"v=STSv1; id=" + id + "\"";
        String rpt = "_smtp._tls." + domain + ". IN TXT \"v=TLSRPTv1; rua=" + o.value("--rua", "mailto:tls-reports@" + domain) + "\"";
        if (o.flag("--json")) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("policy", policy.toString());
            j.put("policyUrl", url);
            j.put("stsRecord", sts);
            j.put("tlsRptRecord", rpt);
            out.println(new ObjectMapper().writeValueAsString(j));
            return 0;
        }
        out.println("# 1. Serve this as " + url);
        out.println("#    (Content-Type text/plain, over HTTPS with a certificate for mta-sts." + domain + " from a public CA; no redirects):");
        out.print(policy.toString().replace("\r\n", "\n"));
        out.println();
        out.println("# 2. Publish these DNS records (the id changes whenever the file does):");
        out.println(sts);
        out.println(rpt);
        out.println();
        out.println("# 3. Every MX named above needs STARTTLS with a certificate for its own name from a public CA.");
        if (mode.equals("testing")) {
            out.println("#    Read the TLS reports for a while; then print the policy again with --mode enforce and a new id.");
        }
        return 0;
    }

    private static List<String> mxHosts(String domain, String dnsServers) throws UsageException {
        DnsResolver dns = DnsjavaResolver.create(dnsServers == null ? List.of() : List.of(dnsServers.split(",")), Duration.ofSeconds(5));
        DnsResult<MxRecord> r = dns.mx(domain);
        List<MxRecord> records = r.isOk() ? new ArrayList<>(r.records()) : List.of();
        if (records.isEmpty()) {
            throw new UsageException("no MX records for " + domain + " (" + r.detail() + "): name the MX hosts with --mx");
        }
        records.sort(Comparator.comparingInt(MxRecord::preference));
        List<String> hosts = new ArrayList<>();
        for (MxRecord m : records) {
            hosts.add(m.exchange().replaceFirst("\\.$", ""));
        }
        return hosts;
    }
}

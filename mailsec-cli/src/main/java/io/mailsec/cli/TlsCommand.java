package io.mailsec.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;


import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.mailsec.core.dns.DnsResolver;
import io.mailsec.core.dns.DnsResult;
import io.mailsec.core.dns.DnsjavaResolver;
import io.mailsec.core.dns.MxRecord;
import io.mailsec.tls.outbound.CertificateChecker;
import io.mailsec.tls.policy.PolicyMatch;
import io.mailsec.tls.policy.PolicyParser;
import io.mailsec.tls.policy.TlsPolicy;

/**
 * {@code mailsec tls probe HOST[:PORT]}: connects like mailsec's outbound delivery does, and tells
 * whether STARTTLS is offered, the negotiated protocol and cipher, the certificate chain with its
 * trust and host-name verdicts, and which policy level (none/may/encrypt/verify) the peer satisfies.
 */
public final class TlsCommand implements Subcommand {
    private static final String USAGE = String.join("\n",
            "usage: mailsec tls probe HOST[:PORT] [--json] [--mx] [--dns HOST[:PORT]] [--trust CA.pem]",
            "                         [--name NAME] [--helo NAME] [--timeout SECONDS] [--policy FILE]",
            "  HOST            server to probe (port 25 by default); with --mx a mail domain whose first MX is probed",
            "  --json          one JSON object: starttls, protocol, cipher, certificate{trusted,hostnameMatches,notAfter}, satisfies",
            "  --dns S         DNS server for MX/address lookups (default: system resolvers)",
            "  --trust F       CA certificates (PEM bundle, JKS or PKCS12) for the verify verdict (default: JDK cacerts)",
            "  --name N        name the certificate must match (default: HOST, or the MX host with --mx)",
            "  --policy F      also show the outbound policy level for HOST (or the --mx domain) and whether it is met",
            "exit: 0 probe done (see the verdicts), 1 connection/SMTP failure, 2 usage",
            "",
            TlsCheckCommand.USAGE,
            "",
            MtaStsPolicyCommand.USAGE,
            "",
            TlsReportCommand.USAGE);

    @Override
    public String summary() {
        return "probe a server's STARTTLS, protocol, cipher and certificate (tls probe HOST[:PORT]); the MTA-STS and TLS-RPT records "
                + "to publish (tls mta-sts-policy DOMAIN); read a TLS report received (tls report FILE)";
    }

    @Override
    public int run(List<String> args, InputStream in, PrintStream out, PrintStream err) throws Exception {
        if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h")) {
            out.println(USAGE);
            return args.isEmpty() ? 2 : 0;
        }
        if (args.get(0).equals("check")) {
            return new TlsCheckCommand(out).run(args);
        }
        if (args.get(0).equals("mta-sts-policy")) {
            return new MtaStsPolicyCommand(java.time.Clock.systemUTC()).run(args, out);
        }
        if (args.get(0).equals("report")) {
            return new TlsReportCommand().run(args, in, out, err);
        }
        if (!args.get(0).equals("probe")) {
            throw new UsageException("unknown subcommand '" + args.get(0) + "' (probe, check, mta-sts-policy, report)\n" + USAGE);
        }
        CliOptions o = CliOptions.parse(args, 1, Set.of("--json", "--mx"),
                Set.of("--dns", "--trust", "--name", "--helo", "--policy", "--timeout"));
        if (o.help()) {
            out.println(USAGE);
            return 0;
        }
        String target = o.single("HOST[:PORT]");
        boolean json = o.flag("--json");
        boolean mx = o.flag("--mx");
        String dns = o.value("--dns", null);
        String trust = o.value("--trust", null);
        String name = o.value("--name", null);
        String helo = o.value("--helo", "mailsec-probe.invalid");
        String policyFile = o.value("--policy", null);
        int timeout = (int) o.number("--timeout", 15, "seconds");
        if (target == null) {
            throw new UsageException("missing HOST[:PORT]\n" + USAGE);
        }
        String host = target;
        int port = 25;
        int colon = target.lastIndexOf(':');
        if (colon > 0 && target.indexOf(':') == colon) {
            host = target.substring(0, colon);
            try {
                port = Integer.parseInt(target.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new UsageException("bad port in " + target);
            }
        } else if (target.startsWith("[") && target.contains("]:")) {
            host = target.substring(1, target.indexOf("]:"));
            port = Integer.parseInt(target.substring(target.indexOf("]:") + 2));
        }
        CertificateChecker checker = trust == null ? CertificateChecker.systemDefault() : CertificateChecker.fromFile(Path.of(trust));
        DnsResolver resolver = dns == null ? null : DnsjavaResolver.create(List.of(dns), Duration.ofSeconds(timeout));

        Map<String, Object> r = new LinkedHashMap<>();
        String domain = null;
        if (mx) {
            domain = host;
            DnsResolver res = resolver != null ? resolver : DnsjavaResolver.create(List.of(), Duration.ofSeconds(timeout));
            DnsResult<MxRecord> m = res.mx(host);
            if (!m.isOk()) {
                return fail(r, out, err, json, "dns", "MX lookup for " + host + " failed: " + m.detail(), 1);
            }
            host = m.records().stream().min(Comparator.comparingInt(MxRecord::preference)).get().exchange();
            r.put("domain", domain);
        }
        r.put("host", host);
        r.put("port", port);
        InetAddress ip;
        try {
            if (resolver != null && !host.matches("[0-9.]+|.*:.*")) {
                DnsResult<InetAddress> a = resolver.addresses(host);
                if (!a.isOk()) {
                    return fail(r, out, err, json, "dns", "no address for " + host + ": " + a.detail(), 1);
                }
                ip = a.records().get(0);
            } else {
                ip = InetAddress.getByName(host);
            }
        } catch (java.net.UnknownHostException e) {
            return fail(r, out, err, json, "dns", "unknown host " + host, 1);
        }
        r.put("ip", ip.getHostAddress());
        String certName = name != null ? name : host;

        if (!StartTlsProbe.run(r, host, ip, port, helo, checker, domain == null ? List.of(certName) : List.of(certName, domain), timeout)) {
            return fail(r, out, err, json, (String) r.get("step"), (String) r.get("error"), 1);
        }
        String satisfies = (String) r.get("satisfies");
        try {
            if (policyFile != null) {
                TlsPolicy p = PolicyParser.parse(java.nio.file.Files.readString(Path.of(policyFile)), policyFile);
                PolicyMatch m = p.outbound().lookup(domain != null ? domain : host);
                Map<String, Object> pol = new LinkedHashMap<>();
                pol.put("level", m.level().word());
                pol.put("entry", m.entry());
                pol.put("met", levelRank(satisfies) >= m.level().ordinal());
                r.put("policy", pol);
            }
        } catch (java.io.IOException ex) {
            return fail(r, out, err, json, "policy", ex.getMessage(), 1);
        }
        print(r, out, json);
        return 0;
    }

    private static int levelRank(String satisfies) {
        switch (satisfies) {
            case "verify": return 3;
            case "encrypt": return 2;
            default: return 1;
        }
    }

    private static int fail(Map<String, Object> r, PrintStream out, PrintStream err, boolean json, String step, String message, int code)
            throws Exception {
        r.put("step", step);
        r.put("error", message);
        if (json) {
            print(r, out, true);
        } else {
            err.println("mailsec tls: " + message);
        }
        return code;
    }

    @SuppressWarnings("unchecked")
    private static void print(Map<String, Object> r, PrintStream out, boolean json) throws Exception {
        if (json) {
            out.println(new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r));
            return;
        }
        out.printf("host:       %s [%s]:%s%n", r.get("host"), r.get("ip"), r.get("port"));
        if (r.containsKey("domain")) {
            out.printf("domain:     %s (first MX)%n", r.get("domain"));
        }
        out.printf("banner:     %s%n", r.get("banner"));
        out.printf("STARTTLS:   %s%n", Boolean.TRUE.equals(r.get("starttls")) ? "offered" : "NOT offered");
        if (r.get("protocol") != null) {
            out.printf("protocol:   %s%n", r.get("protocol"));
            out.printf("cipher:     %s%n", r.get("cipher"));
        }
        Map<String, Object> cert = (Map<String, Object>) r.get("certificate");
        if (cert != null) {
            out.printf("trusted:    %s%n", cert.get("trusted"));
            out.printf("name match: %s%n", cert.get("hostnameMatches"));
            out.printf("not after:  %s%s%n", cert.get("notAfter"), Boolean.TRUE.equals(cert.get("expired")) ? " (EXPIRED)" : "");
            if (cert.get("problem") != null) {
                out.printf("problem:    %s%n", cert.get("problem"));
            }
            int i = 0;
            for (Map<String, Object> e : (List<Map<String, Object>>) cert.get("chain")) {
                out.printf("chain[%d]:   %s  (issuer %s, until %s)%n", i++, e.get("subject"), e.get("issuer"), e.get("notAfter"));
            }
        }
        if (r.get("error") != null) {
            out.printf("error:      %s (step %s)%n", r.get("error"), r.get("step"));
        }
        out.printf("satisfies:  %s%n", r.get("satisfies"));
        Map<String, Object> pol = (Map<String, Object>) r.get("policy");
        if (pol != null) {
            out.printf("policy:     %s (entry %s) -> %s%n", pol.get("level"), pol.get("entry"),
                    Boolean.TRUE.equals(pol.get("met")) ? "met" : "NOT met: mail would be blocked");
        }
    }
}

package io.mailsec.cli;

import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailsec.core.dns.DnsResolver;
import io.mailsec.core.dns.DnsResult;
import io.mailsec.core.dns.DnsjavaResolver;
import io.mailsec.core.dns.MxRecord;
import io.mailsec.tls.mtasts.MtaStsDestinationPolicy;
import io.mailsec.tls.mtasts.MtaStsLookup;
import io.mailsec.tls.mtasts.MtaStsPolicy;
import io.mailsec.tls.mtasts.MtaStsResult;
import io.mailsec.tls.outbound.CertificateChecker;
import io.mailsec.tls.outbound.TlsRequirement;
import io.mailsec.tls.policy.PolicyMatch;
import io.mailsec.tls.policy.PolicyParser;
import io.mailsec.tls.policy.TlsLevel;
import io.mailsec.tls.policy.TlsPolicy;

/**
 * {@code mailsec tls check DOMAIN}: what delivery to that domain would do right now, decided as
 * TlsPolicyDelivery decides (the list's explicit entry, else the domain's MTA-STS policy in enforce
 * mode, else the list's default), then one session to each MX to see whether it meets that requirement.
 * The administrator's counterpart of Postfix's posttls-finger.
 */
final class TlsCheckCommand {
    static final String USAGE = String.join("\n",
            "usage: mailsec tls check DOMAIN [--policy FILE] [--dns HOST[:PORT]] [--trust CA.pem] [--mta-sts-trust CA.pem]",
            "                         [--port N] [--helo NAME] [--timeout SECONDS] [--json]",
            "  --policy F        the TLS policy file whose [outbound] list applies (default: none, so 'default may')",
            "  --trust F         CAs for the MX certificates (default: JDK cacerts), as TlsPolicyDelivery's trustStore",
            "  --mta-sts-trust F CAs for the MTA-STS policy host (default: JDK cacerts), as mtaStsTrustStore",
            "  --json            {domain, list, mtaSts, requirement, mx[{host, preference, ip, permitted, starttls, protocol, cipher,",
            "                    certificate, satisfies, verdict, reason}], dane, verdict}",
            "exit: 0 some MX would take the mail under the requirement, 1 none would, 2 usage");
    private final PrintStream out;

    TlsCheckCommand(PrintStream out) {
        this.out = out;
    }

    int run(List<String> args) throws Exception {
        CliOptions o = CliOptions.parse(args, 1, Set.of("--json"),
                Set.of("--policy", "--dns", "--trust", "--mta-sts-trust", "--port", "--helo", "--timeout"));
        if (o.help()) {
            out.println(USAGE);
            return 0;
        }
        String domain = o.single("DOMAIN");
        if (domain == null) {
            throw new UsageException("DOMAIN missing\n" + USAGE);
        }
        domain = domain.toLowerCase(Locale.ROOT).replaceFirst("\\.$", "");
        int timeout = (int) o.number("--timeout", 15, "seconds");
        int port = (int) o.number("--port", 25, "a port");
        String dnsServers = o.value("--dns", null);
        DnsResolver dns = DnsjavaResolver.create(dnsServers == null ? List.of() : List.of(dnsServers.split(",")), Duration.ofSeconds(timeout));
        CertificateChecker mxTrust = checker(o.value("--trust", null));
        CertificateChecker stsTrust = checker(o.value("--mta-sts-trust", null));
        String policyFile = o.value("--policy", null);
        TlsPolicy policy = policyFile == null ? TlsPolicy.opportunistic()
                : PolicyParser.parse(Files.readString(Path.of(policyFile)), policyFile);

        Map<String, Object> r = new LinkedHashMap<>();
        r.put("domain", domain);
        PolicyMatch listed = policy.outbound().lookup(domain);
        r.put("list", Map.of("level", listed.level().word(), "entry", listed.entry()));
        MtaStsLookup sts = MtaStsLookup.builder(dns, stsTrust.verifyingContext()).build();
        MtaStsResult stsResult = sts.resolve(domain);
        r.put("mtaSts", mtaSts(stsResult));
        TlsRequirement requirement = listed.isDefault()
                ? new MtaStsDestinationPolicy(sts).requirement(domain).orElse(TlsRequirement.of(listed)) : TlsRequirement.of(listed);
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("level", requirement.level().word());
        req.put("source", requirement.source().word());
        req.put("entry", requirement.entry());
        r.put("requirement", req);
        r.put("dane", "not checked: DNSSEC-validated TLSA lookups are not part of delivery yet");

        DnsResult<MxRecord> mx = dns.mx(domain);
        List<MxRecord> records = mx.isOk() ? new ArrayList<>(mx.records()) : new ArrayList<>();
        records.sort(Comparator.comparingInt(MxRecord::preference));
        List<Map<String, Object>> hosts = new ArrayList<>();
        boolean deliverable = false;
        if (records.isEmpty()) {
            r.put("error", "no MX records for " + domain + " (" + mx.detail() + ")");
        }
        for (MxRecord m : records) {
            Map<String, Object> h = mxCheck(m, domain, requirement, dns, mxTrust, port, o.value("--helo", "mailsec-check.invalid"), timeout);
            deliverable |= "deliverable".equals(h.get("verdict"));
            hosts.add(h);
        }
        r.put("mx", hosts);
        r.put("verdict", deliverable ? "deliverable" : "not deliverable");
        if (o.flag("--json")) {
            out.println(new ObjectMapper().writeValueAsString(r));
        } else {
            print(r);
        }
        return deliverable ? 0 : 1;
    }

    private static CertificateChecker checker(String file) throws Exception {
        return file == null ? CertificateChecker.systemDefault() : CertificateChecker.fromFile(Path.of(file));
    }

    private static Map<String, Object> mtaSts(MtaStsResult s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", s.source().word());
        Optional<MtaStsPolicy> p = s.policy();
        m.put("mode", p.map(x -> x.mode().word()).orElse(null));
        m.put("id", p.map(MtaStsPolicy::id).orElse(null));
        m.put("maxAge", p.map(MtaStsPolicy::maxAgeSeconds).orElse(null));
        m.put("mx", p.map(MtaStsPolicy::mxPatterns).orElse(List.of()));
        m.put("failure", s.failure().map(f -> f.type().resultType() + ": " + f.detail()).orElse(null));
        m.put("detail", s.detail());
        return m;
    }

    private static Map<String, Object> mxCheck(MxRecord m, String domain, TlsRequirement requirement, DnsResolver dns,
                                               CertificateChecker trust, int port, String helo, int timeout) throws Exception {
        String host = m.exchange().replaceFirst("\\.$", "");
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("host", host);
        h.put("preference", m.preference());
        boolean permitted = requirement.permits(host);
        h.put("permitted", permitted);
        if (!permitted) {
            return verdict(h, false, "not named by the MTA-STS policy (" + requirement.mxRule() + "): never contacted");
        }
        DnsResult<InetAddress> a = dns.addresses(host);
        if (!a.isOk() || a.records().isEmpty()) {
            return verdict(h, false, "no address (" + a.detail() + ")");
        }
        InetAddress ip = a.records().get(0);
        h.put("ip", ip.getHostAddress());
        List<String> names = requirement.mxNameOnly() ? List.of(host) : List.of(host, domain);
        if (!StartTlsProbe.run(h, host, ip, port, helo, trust, names, timeout)) {
            return verdict(h, false, h.get("step") + ": " + h.get("error"));
        }
        TlsLevel needed = requirement.level();
        String satisfies = (String) h.get("satisfies");
        boolean met = rank(satisfies) >= rank(needed.word());
        return verdict(h, met, met ? "meets " + needed.word() + " (offers " + satisfies + ")"
                : "needs " + needed.word() + ", offers only " + satisfies + (h.get("error") != null ? " (" + h.get("error") + ")" : ""));
    }

    private static Map<String, Object> verdict(Map<String, Object> h, boolean ok, String reason) {
        h.put("verdict", ok ? "deliverable" : "blocked");
        h.put("reason", reason);
        return h;
    }

    private static int rank(String level) {
        switch (level) {
            case "verify": return 3;
            case "encrypt": return 2;
            case "may": return 1;
            default: return 0;
        }
    }

    @SuppressWarnings("unchecked")
    private void print(Map<String, Object> r) {
        Map<String, Object> list = (Map<String, Object>) r.get("list");
        Map<String, Object> sts = (Map<String, Object>) r.get("mtaSts");
        Map<String, Object> req = (Map<String, Object>) r.get("requirement");
        out.printf("domain:       %s%n", r.get("domain"));
        out.printf("list:         %s (entry %s)%n", list.get("level"), list.get("entry"));
        out.printf("MTA-STS:      %s%s%s%n", sts.get("source"), sts.get("mode") == null ? "" : ", mode " + sts.get("mode") + ", id "
                + sts.get("id") + ", max_age " + sts.get("maxAge") + ", mx " + sts.get("mx"), sts.get("failure") == null ? ""
                : " (" + sts.get("failure") + ")");
        out.printf("DANE:         %s%n", r.get("dane"));
        out.printf("requirement:  %s (source %s, entry %s)%n", req.get("level"), req.get("source"), req.get("entry"));
        if (r.get("error") != null) {
            out.printf("error:        %s%n", r.get("error"));
        }
        for (Map<String, Object> h : (List<Map<String, Object>>) r.get("mx")) {
            out.printf("MX %-3s %-30s %-15s %-11s %s%s%n", h.get("preference"), h.get("host"), h.get("ip") == null ? "-" : h.get("ip"),
                    h.get("verdict"), h.get("reason"), h.get("protocol") == null ? "" : " [" + h.get("protocol") + ", " + h.get("cipher") + "]");
        }
        out.printf("verdict:      %s%n", r.get("verdict"));
    }
}

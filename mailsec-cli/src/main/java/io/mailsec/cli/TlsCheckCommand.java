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
import io.mailsec.core.dns.dnssec.DnssecMode;
import io.mailsec.core.dns.dnssec.DnssecResolvers;
import io.mailsec.core.dns.dnssec.DnssecResult;
import io.mailsec.core.dns.dnssec.DnssecStatus;
import io.mailsec.tls.dane.DaneHost;
import io.mailsec.tls.dane.DaneLookup;
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
 * TlsPolicyDelivery decides (the list's explicit entry, else DANE per MX host, else the domain's
 * MTA-STS policy in enforce mode, else the list's default), then one session to each MX to see whether
 * it meets that requirement.
 * The administrator's counterpart of Postfix's posttls-finger.
 */
final class TlsCheckCommand {
    static final String USAGE = String.join("\n",
            "usage: mailsec tls check DOMAIN [--policy FILE] [--dns HOST[:PORT]] [--trust CA.pem] [--mta-sts-trust CA.pem]",
            "                         [--dnssec trust-ad|validate|off] [--trust-anchor FILE] [--port N] [--helo NAME]",
            "                         [--timeout SECONDS] [--json]",
            "  --policy F        the TLS policy file whose [outbound] list applies (default: none, so 'default may')",
            "  --trust F         CAs for the MX certificates (default: JDK cacerts), as TlsPolicyDelivery's trustStore",
            "  --mta-sts-trust F CAs for the MTA-STS policy host (default: JDK cacerts), as mtaStsTrustStore",
            "  --dnssec M        DANE as TlsPolicyDelivery's dnssec: trust-ad (the --dns resolver validates), validate",
            "                    (in process, from --trust-anchor, a DS/DNSKEY file), off (default: no DANE)",
            "  --json            {domain, list, mtaSts, requirement, mx[{host, preference, ip, permitted, starttls, protocol, cipher,",
            "                    certificate, satisfies, dane{kind,base,tlsa,detail}, daneMatch{outcome,reason}, requirement,",
            "                    verdict, reason}], dane{dnssec, mx}, verdict}",
            "exit: 0 some MX would take the mail under the requirement, 1 none would, 2 usage");
    private final PrintStream out;

    TlsCheckCommand(PrintStream out) {
        this.out = out;
    }

    int run(List<String> args) throws Exception {
        CliOptions o = CliOptions.parse(args, 1, Set.of("--json"),
                Set.of("--policy", "--dns", "--trust", "--mta-sts-trust", "--port", "--helo", "--timeout", "--dnssec", "--trust-anchor"));
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
        List<String> servers = dnsServers == null ? List.of() : List.of(dnsServers.split(","));
        DnsResolver dns = DnsjavaResolver.create(servers, Duration.ofSeconds(timeout));
        DaneLookup dane = daneLookup(o, servers, timeout, port);
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
        Map<String, Object> daneFacts = new LinkedHashMap<>();
        daneFacts.put("dnssec", dane == null ? "off" : o.value("--dnssec", "off"));
        r.put("dane", daneFacts);

        // As delivery: DANE needs the MX RRset's DNSSEC status (RFC 7672 §2.2.1), and an explicit list entry skips DANE.
        boolean useDane = dane != null && requirement.source() != TlsRequirement.Source.LIST;
        DnsResult<MxRecord> mx;
        boolean mxSecure = false;
        String bogusMx = null;
        if (useDane) {
            DnssecResult<MxRecord> checked = dane.mx(domain);
            daneFacts.put("mx", checked.dnssec().name().toLowerCase(Locale.ROOT));
            mxSecure = checked.isSecure();
            bogusMx = checked.dnssec() == DnssecStatus.BOGUS ? "the MX records failed DNSSEC validation: " + checked.detail() : null;
            mx = checked.dns();
        } else {
            daneFacts.put("mx", dane == null ? "not checked (--dnssec off)" : "not used (explicit list entry)");
            mx = dns.mx(domain);
        }
        List<MxRecord> records = mx.isOk() && bogusMx == null ? new ArrayList<>(mx.records()) : new ArrayList<>();
        records.sort(Comparator.comparingInt(MxRecord::preference));
        List<Map<String, Object>> hosts = new ArrayList<>();
        boolean deliverable = false;
        if (bogusMx != null) {
            r.put("error", bogusMx + " (delivery defers: 4.7.5, never plaintext)");
        } else if (records.isEmpty()) {
            r.put("error", "no MX records for " + domain + " (" + mx.detail() + ")");
        }
        for (MxRecord m : records) {
            DaneHost daneHost = useDane && mxSecure ? dane.host(m.exchange().replaceFirst("\\.$", "")) : null;
            Map<String, Object> h = mxCheck(m, domain, requirement, daneHost, dns, mxTrust, port, o.value("--helo", "mailsec-check.invalid"),
                    timeout);
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

    private static DaneLookup daneLookup(CliOptions o, List<String> servers, int timeout, int port) throws UsageException {
        DnssecMode mode;
        try {
            mode = DnssecMode.parse(o.value("--dnssec", "off"));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--dnssec: " + e.getMessage());
        }
        if (mode == DnssecMode.OFF) {
            return null;
        }
        String anchor = o.value("--trust-anchor", null);
        if (mode == DnssecMode.VALIDATE && anchor == null) {
            throw new UsageException("--dnssec validate needs --trust-anchor FILE (DS or DNSKEY records, e.g. /usr/share/dns/root.ds)");
        }
        return new DaneLookup(DnssecResolvers.create(mode, servers, Duration.ofSeconds(timeout), anchor == null ? null : Path.of(anchor)), port);
    }

    private static Map<String, Object> mxCheck(MxRecord m, String domain, TlsRequirement domainRequirement, DaneHost daneHost,
                                               DnsResolver dns, CertificateChecker trust, int port, String helo, int timeout) throws Exception {
        String host = m.exchange().replaceFirst("\\.$", "");
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("host", host);
        h.put("preference", m.preference());
        TlsRequirement requirement = TlsRequirement.forMxHost(domainRequirement, daneHost);
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("level", requirement.level().word());
        req.put("source", requirement.source().word());
        req.put("entry", requirement.entry());
        h.put("requirement", req);
        if (daneHost != null) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("kind", daneHost.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            d.put("base", daneHost.tlsaBase());
            List<String> tlsa = new ArrayList<>();
            if (daneHost.tlsa() != null) {
                daneHost.tlsa().usable().forEach(t -> tlsa.add(t.presentation()));
                daneHost.tlsa().unusable().forEach(t -> tlsa.add(t.text() + " (unusable)"));
            }
            d.put("tlsa", tlsa);
            d.put("detail", daneHost.detail());
            h.put("dane", d);
            if (daneHost.kind() == DaneHost.Kind.UNUSABLE) {
                h.put("permitted", false);
                return verdict(h, false, "DANE: " + daneHost.detail() + ": not used now, never in plaintext (delivery retries)");
            }
        }
        boolean permitted = requirement.permits(host);
        h.put("permitted", permitted);
        if (!permitted) {
            return verdict(h, false, "not named by the MTA-STS policy (" + requirement.mxRule() + "): never contacted");
        }
        DnsResult<InetAddress> a = daneHost != null ? daneHost.addresses() : dns.addresses(host);
        if (!a.isOk() || a.records().isEmpty()) {
            return verdict(h, false, "no address (" + a.detail() + ")");
        }
        InetAddress ip = a.records().get(0);
        h.put("ip", ip.getHostAddress());
        List<String> names = requirement.mxNameOnly() ? List.of(host) : List.of(host, domain);
        if (!StartTlsProbe.run(h, host, ip, port, helo, trust, names, timeout, requirement.dane())) {
            return verdict(h, false, h.get("step") + ": " + h.get("error"));
        }
        TlsLevel needed = requirement.level();
        String satisfies = (String) h.get("satisfies");
        boolean met = rank(satisfies) >= rank(needed.word());
        String why = h.get("daneMatch") != null ? " (DANE: " + ((Map<?, ?>) h.get("daneMatch")).get("reason") + ")"
                : h.get("error") != null ? " (" + h.get("error") + ")" : "";
        return verdict(h, met, met ? "meets " + needed.word() + " (offers " + satisfies + ")" + (requirement.dane() != null ? why : "")
                : "needs " + needed.word() + ", offers only " + satisfies + why);
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
        Map<String, Object> dane = (Map<String, Object>) r.get("dane");
        out.printf("DANE:         dnssec %s, MX records %s%n", dane.get("dnssec"), dane.get("mx"));
        out.printf("requirement:  %s (source %s, entry %s)%n", req.get("level"), req.get("source"), req.get("entry"));
        if (r.get("error") != null) {
            out.printf("error:        %s%n", r.get("error"));
        }
        for (Map<String, Object> h : (List<Map<String, Object>>) r.get("mx")) {
            out.printf("MX %-3s %-30s %-15s %-11s %s%s%n", h.get("preference"), h.get("host"), h.get("ip") == null ? "-" : h.get("ip"),
                    h.get("verdict"), h.get("reason"), h.get("protocol") == null ? "" : " [" + h.get("protocol") + ", " + h.get("cipher") + "]");
            Map<String, Object> hr = (Map<String, Object>) h.get("requirement");
            Map<String, Object> hd = (Map<String, Object>) h.get("dane");
            if (hd != null) {
                out.printf("       DANE %s: %s%s%n", hd.get("kind"), hd.get("detail"), ((List<?>) hd.get("tlsa")).isEmpty() ? "" : " " + hd.get("tlsa"));
            }
            if (hr != null && !hr.get("source").equals(req.get("source"))) {
                out.printf("       requirement for this MX: %s (source %s, entry %s)%n", hr.get("level"), hr.get("source"), hr.get("entry"));
            }
        }
        out.printf("verdict:      %s%n", r.get("verdict"));
    }
}

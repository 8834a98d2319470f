package io.mailsec.tls.mtasts;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLContext;

import io.mailsec.core.dns.Dnsmasq;
import io.mailsec.core.peers.PeerTools;
import io.mailsec.tls.peers.NginxPeer;
import io.mailsec.tls.peers.TestPki;

/**
 * The real peers of the MTA-STS tests: one nginx on 127.0.13.10:443 serving
 * {@code mta-sts.<domain>} for each test domain by SNI (certificates from a test CA), and two
 * dnsmasq instances of the project's DNS fixture — {@link #DNS} "now" and {@link #DNS_LATER} "later",
 * where some TXT ids have changed and a policy host has moved to an address where nothing listens:
 * <pre>
 * domain (.sts.test)   TXT id        mta-sts host serves
 * enforce              enf1          enforce, CRLF lines, mx mail.enforce.sts.test and *.relay.sts.test
 * testing              tst1 (+ext)   testing, LF lines, an unknown key
 * none                 non1          mode none without mx
 * chunked              chk1          enforce, sent with chunked transfer coding (sub_filter)
 * shared               shr1          enforce (concurrent lookups)
 * redirect             red1          301 to enforce's policy
 * big                  big1          70 KiB text/plain
 * html                 htm1          a valid policy as text/html
 * invalid              inv1          mode: strict
 * missing              mis1          404
 * notsts               (v=spf1, v=STSv10)  a valid policy nobody may fetch
 * twotxt               two v=STSv1   a valid policy nobody may fetch
 * wrongname            wrn1          certificate for mta-sts.elsewhere.sts.test
 * cnonly               cno1          certificate naming the host in CN only, no subjectAltName
 * untrusted            unt1          certificate from another CA
 * slow                 slo1          a valid policy at 40 bytes/s (nginx limit_rate)
 * down                 dwn1          host on 127.0.13.19, where nothing listens
 * nohost               noh1          no address for the host (NXDOMAIN)
 * idchange             v1 / later v2 the test rewrites the policy between the two
 * refresh              r1 / later r2 later: host on 127.0.13.19
 * overridden           ovr1          a valid policy the override list ignores
 * </pre>
 * Any other connection to 127.0.13.10:443 (no or unknown SNI) gets a certificate for default.sts.test.
 */
final class MtaStsPeers implements AutoCloseable {
    static final String DNS = "127.0.13.53";
    static final String DNS_LATER = "127.0.13.54";
    static final String WEB = "127.0.13.10";
    static final String NOTHING = "127.0.13.19";
    static final String ZONE = "sts.test";

    static final String ENFORCE = "version: STSv1\r\nmode: enforce\r\nmx: mail.enforce.sts.test\r\nmx: *.relay.sts.test\r\nmax_age: 86400\r\n";
    static final String TESTING = "version: STSv1\nmode: testing\nnote: unknown keys are ignored\nmx: mx.testing.sts.test\nmax_age: 604800\n";
    static final String NONE = "version: STSv1\nmode: none\nmax_age: 86400\n";

    final Path dir;
    final Path caFile;
    final TestPki pki;
    final SSLContext trust;
    final NginxPeer web;
    final Dnsmasq dns;
    final Dnsmasq dnsLater;

    private MtaStsPeers(Path dir, Path caFile, TestPki pki, NginxPeer web, Dnsmasq dns, Dnsmasq dnsLater) throws Exception {
        this.dir = dir;
        this.caFile = caFile;
        this.pki = pki;
        this.trust = pki.clientContext();
        this.web = web;
        this.dns = dns;
        this.dnsLater = dnsLater;
    }

    static String policy(String mode, String mx) {
        return "version: STSv1\r\nmode: " + mode + "\r\nmx: " + mx + "\r\nmax_age: 86400\r\n";
    }

    static MtaStsPeers start() throws Exception {
        PeerTools.requireRoot();
        Path dir = Files.createDirectories(Path.of("/tmp", "mailsec-nginx-mtasts-" + ProcessHandle.current().pid() + "-" + System.nanoTime()));
        try {
            Path tls = Files.createDirectories(dir.resolve("tls"));
            TestPki pki = new TestPki("mailsec MTA-STS test CA");
            Path ca = pki.writeCa(tls.resolve("ca.pem"));
            Instant now = Instant.now();
            Instant from = now.minus(Duration.ofDays(1));
            Instant to = now.plus(Duration.ofDays(30));
            List<NginxPeer.Server> servers = new ArrayList<>();
            servers.add(NginxPeer.Server.https(WEB, "default." + ZONE, pki.issue(tls, "default", "default." + ZONE, from, to)).asDefault());
            String[] plain = {"enforce", "testing", "none", "chunked", "shared", "redirect", "big", "html", "invalid", "missing", "notsts",
                    "twotxt", "slow", "idchange", "refresh", "overridden"};
            for (String d : plain) {
                String host = "mta-sts." + d + "." + ZONE;
                NginxPeer.Server s = NginxPeer.Server.https(WEB, host, pki.issue(tls, d, host, from, to));
                switch (d) {
                    case "chunked":
                        // sub_filter drops Content-Length, so HTTP/1.1 answers with chunked transfer coding
                        s = s.with("sub_filter_types text/plain; sub_filter 'STSv1' 'STSv1';");
                        break;
                    case "redirect":
                        s = s.with("location = /.well-known/mta-sts.txt { return 301 https://mta-sts.enforce.sts.test/.well-known/mta-sts.txt; }");
                        break;
                    case "html":
                        s = s.with("types { text/html txt; }");
                        break;
                    case "slow":
                        s = s.with("limit_rate 40;");
                        break;
                    default:
                }
                servers.add(s);
            }
            servers.add(NginxPeer.Server.https(WEB, "mta-sts.wrongname." + ZONE, pki.issue(tls, "wrongname", "mta-sts.elsewhere." + ZONE, from, to)));
            servers.add(NginxPeer.Server.https(WEB, "mta-sts.cnonly." + ZONE, pki.issueCnOnly(tls, "cnonly", "mta-sts.cnonly." + ZONE)));
            TestPki other = new TestPki("some other CA");
            servers.add(NginxPeer.Server.https(WEB, "mta-sts.untrusted." + ZONE, other.issue(tls, "untrusted", "mta-sts.untrusted." + ZONE, from, to)));
            NginxPeer web = NginxPeer.start(dir.resolve("mailsec-nginx"), servers);

            String valid = policy("enforce", "mx.valid.sts.test");
            web.write("mta-sts.enforce." + ZONE, HttpsPolicyFetcher.PATH, ENFORCE);
            web.write("mta-sts.testing." + ZONE, HttpsPolicyFetcher.PATH, TESTING);
            web.write("mta-sts.none." + ZONE, HttpsPolicyFetcher.PATH, NONE);
            web.write("mta-sts.chunked." + ZONE, HttpsPolicyFetcher.PATH, policy("enforce", "mx.chunked.sts.test"));
            web.write("mta-sts.shared." + ZONE, HttpsPolicyFetcher.PATH, policy("enforce", "mx.shared.sts.test"));
            web.write("mta-sts.big." + ZONE, HttpsPolicyFetcher.PATH, valid + "x-padding: " + "x".repeat(70 * 1024) + "\r\n");
            web.write("mta-sts.html." + ZONE, HttpsPolicyFetcher.PATH, valid);
            web.write("mta-sts.invalid." + ZONE, HttpsPolicyFetcher.PATH, policy("strict", "mx.invalid.sts.test"));
            web.write("mta-sts.notsts." + ZONE, HttpsPolicyFetcher.PATH, valid);
            web.write("mta-sts.twotxt." + ZONE, HttpsPolicyFetcher.PATH, valid);
            web.write("mta-sts.wrongname." + ZONE, HttpsPolicyFetcher.PATH, valid);
            web.write("mta-sts.cnonly." + ZONE, HttpsPolicyFetcher.PATH, valid);
            web.write("mta-sts.untrusted." + ZONE, HttpsPolicyFetcher.PATH, valid);
            web.write("mta-sts.slow." + ZONE, HttpsPolicyFetcher.PATH, valid + "x-padding: " + "x".repeat(400) + "\r\n");
            web.write("mta-sts.idchange." + ZONE, HttpsPolicyFetcher.PATH, policy("enforce", "mx1.idchange.sts.test"));
            web.write("mta-sts.refresh." + ZONE, HttpsPolicyFetcher.PATH, policy("enforce", "mx.refresh.sts.test"));
            web.write("mta-sts.overridden." + ZONE, HttpsPolicyFetcher.PATH, valid);

            Dnsmasq.Builder now1 = Dnsmasq.on(DNS).zone(ZONE);
            Dnsmasq.Builder later = Dnsmasq.on(DNS_LATER).zone(ZONE);
            for (Dnsmasq.Builder b : List.of(now1, later)) {
                for (String d : new String[] {"enforce", "testing", "none", "chunked", "shared", "redirect", "big", "html", "invalid", "missing",
                        "notsts", "twotxt", "wrongname", "cnonly", "untrusted", "slow", "idchange", "overridden"}) {
                    b.host("mta-sts." + d + "." + ZONE, WEB);
                }
                b.host("mta-sts.down." + ZONE, NOTHING);
                b.txt("_mta-sts.enforce." + ZONE, "v=STSv1; id=enf1;")
                        .txt("_mta-sts.testing." + ZONE, "v=STSv1; id=tst1; ext=x")
                        .txt("_mta-sts.none." + ZONE, "v=STSv1; id=non1")
                        .txt("_mta-sts.chunked." + ZONE, "v=STSv1; id=chk1")
                        .txt("_mta-sts.shared." + ZONE, "v=STSv1; id=shr1")
                        .txt("_mta-sts.redirect." + ZONE, "v=STSv1; id=red1")
                        .txt("_mta-sts.big." + ZONE, "v=STSv1; id=big1")
                        .txt("_mta-sts.html." + ZONE, "v=STSv1; id=htm1")
                        .txt("_mta-sts.invalid." + ZONE, "v=STSv1; id=inv1")
                        .txt("_mta-sts.missing." + ZONE, "v=STSv1; id=mis1")
                        .txt("_mta-sts.notsts." + ZONE, "v=spf1 -all")
                        .txt("_mta-sts.notsts." + ZONE, "v=STSv10; id=nts1")
                        .txt("_mta-sts.twotxt." + ZONE, "v=STSv1; id=two1")
                        .txt("_mta-sts.twotxt." + ZONE, "v=STSv1; id=two2")
                        .txt("_mta-sts.wrongname." + ZONE, "v=STSv1; id=wrn1")
                        .txt("_mta-sts.cnonly." + ZONE, "v=STSv1; id=cno1")
                        .txt("_mta-sts.untrusted." + ZONE, "v=STSv1; id=unt1")
                        .txt("_mta-sts.slow." + ZONE, "v=STSv1; id=slo1")
                        .txt("_mta-sts.down." + ZONE, "v=STSv1; id=dwn1")
                        .txt("_mta-sts.nohost." + ZONE, "v=STSv1; id=noh1")
                        .txt("_mta-sts.overridden." + ZONE, "v=STSv1; id=ovr1");
            }
            now1.txt("_mta-sts.idchange." + ZONE, "v=STSv1; id=v1").txt("_mta-sts.refresh." + ZONE, "v=STSv1; id=r1")
                    .host("mta-sts.refresh." + ZONE, WEB);
            later.txt("_mta-sts.idchange." + ZONE, "v=STSv1; id=v2").txt("_mta-sts.refresh." + ZONE, "v=STSv1; id=r2")
                    .host("mta-sts.refresh." + ZONE, NOTHING);
            Dnsmasq dns = now1.start();
            PeerTools.register(dns);
            Dnsmasq dnsLater = later.start();
            PeerTools.register(dnsLater);
            return new MtaStsPeers(dir, ca, pki, web, dns, dnsLater);
        } catch (Exception | Error e) {
            PeerTools.closeAll();
            throw e;
        }
    }

    @Override
    public void close() {
        PeerTools.closeAll();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException ignored) {
            // best effort
        }
    }
}

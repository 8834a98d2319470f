package io.mailsec.bench.delivery;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import javax.mail.Session;
import javax.mail.Transport;
import javax.mail.internet.MimeMessage;

import io.mailsec.bench.ProcStat;
import io.mailsec.bench.Stats;
import io.mailsec.bench.pipeline.PipelineLoadBench;
import io.mailsec.core.dns.dnssec.DaneTestZones;
import io.mailsec.core.dns.dnssec.DnssecTestbed;
import io.mailsec.core.peers.PeerTools;
import io.mailsec.it.JamesProcess;
import io.mailsec.it.MailClient;
import io.mailsec.it.ShippedConf;
import io.mailsec.tls.peers.DanePeers;
import io.mailsec.tls.peers.NginxPeer;
import io.mailsec.tls.peers.PostfixPeer;
import io.mailsec.tls.peers.TestPki;

/**
 * Outbound throughput (issues 17, 18): N messages of 10 KB submitted over 8 authenticated 587 connections
 * (STARTTLS, one connection carrying many messages) to 5 remote domains whose MXs are listeners of one
 * real Postfix (STARTTLS with a test-CA certificate on each), until all N are in Postfix's Maildir.
 * The domains live in DNSSEC-signed zones (mailsec-core's DnssecTestbed; both Jameses resolve through
 * its validating unbound): t1 publishes a DANE-EE TLSA record, t2 a DANE-TA one, t3 an MTA-STS policy
 * in enforce mode (nginx on 127.0.12.10), t4 is a {@code verify} entry of the list, t5 takes the
 * default {@code may}. Two James 3.8.1 processes with james-conf's pipeline take turns in the same
 * run: the relay processor delivers with mailsec's TlsPolicyDelivery ({@code dnssec=trust-ad}) in
 * one and with James's sample RemoteDelivery ({@code startTLS} on, server identity checked against the
 * same CA) in the other; each with its shipped defaults (16 workers / 10 delivery threads).
 * Reports delivered msg/s, the ratio per round pair, and James CPU per message.
 *
 * <p>Usage: {@code scripts/bench-throughput.sh [messagesPerRound=5000] [rounds=3] [warmup=1000]}.
 */
public final class ThroughputBenchMain {
    /** The MTA-STS policy host of t3 (nginx). */
    static final String WEB = "127.0.12.10";
    static final String CLIENT_BIND = "127.0.12.1";
    static final int DOMAINS = 5;
    static final int CONNECTIONS = 8;
    static final Duration ROUND_LIMIT = Duration.ofMinutes(15);
    static final Duration STALL = Duration.ofSeconds(60);
    static final String ERROR_REPOSITORY = "/mailRepositories/" + java.net.URLEncoder.encode("var/mail/error",
            java.nio.charset.StandardCharsets.UTF_8) + "/mails";

    private ThroughputBenchMain() {
    }

    record Round(String name, int messages, double seconds, double cpuMsPerMessage) {
        double msgsPerSecond() {
            return messages / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        int perRound = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        PeerTools.requireRoot();
        Path dir = Files.createDirectories(JamesProcess.root().resolve("bench/target/delivery"));
        Path work = Files.createTempDirectory(dir, "throughput-");
        TestPki pki = new TestPki("mailsec bench CA");
        Path ca = pki.writeCa(work.resolve("ca.pem"));
        Path trustStore = work.resolve("ca.p12");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("bench-ca", pki.caCertificate());
        try (var out = Files.newOutputStream(trustStore)) {
            ks.store(out, "changeit".toCharArray());
        }
        List<String> domains = new ArrayList<>();
        List<DaneTestZones.Zone> zones = new ArrayList<>();
        List<PostfixPeer.Listener> listeners = new ArrayList<>();
        Instant now = Instant.now();
        String caTlsa = "2 0 1 " + hex(MessageDigest.getInstance("SHA-256").digest(pki.caCertificate().getEncoded()));
        for (int i = 1; i <= DOMAINS; i++) {
            String domain = "t" + i + ".dane.test";
            String mx = "mx." + domain;
            String ip = "127.0.12.2" + i;
            domains.add(domain);
            Path[] cert = pki.issue(work, "t" + i, mx, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
            listeners.add(new PostfixPeer.Listener(ip, null, cert[0], cert[1]));
            List<String> records = new ArrayList<>(List.of(domain + ". MX 10 " + mx + ".", mx + ". A " + ip));
            if (i == 1) {
                records.add("_25._tcp." + mx + ". TLSA 3 1 1 " + DanePeers.spkiSha256(cert[0]));
            } else if (i == 2) {
                records.add("_25._tcp." + mx + ". TLSA " + caTlsa);
            } else if (i == 3) {
                records.add("_mta-sts." + domain + ". TXT \"v=STSv1; id=bench1\"");
                records.add("mta-sts." + domain + ". A " + WEB);
            }
            zones.add(new DaneTestZones.Zone(domain, DaneTestZones.Zone.Signing.SIGNED, records));
        }
        // Both Jameses trust the test CA the same way (RemoteDelivery has no trust-store parameter).
        String javaOpts = "-Xms512m -Xmx1g -Djavax.net.ssl.trustStore=" + trustStore + " -Djavax.net.ssl.trustStorePassword=changeit"
                + " -Djavax.net.ssl.trustStoreType=PKCS12";
        // Postfix refuses a queue directory below a path it does not trust (as under the repository's target/).
        Path postfixDir = Files.createTempDirectory(Path.of("/tmp"), "mailsec-throughput-postfix-");
        Path webDir = Files.createTempDirectory(Path.of("/tmp"), "mailsec-throughput-nginx-");
        String stsHost = "mta-sts.t3.dane.test";
        try (DnssecTestbed dns = DnssecTestbed.start(zones);
             NginxPeer web = NginxPeer.start(webDir, List.of(NginxPeer.Server.https(WEB, stsHost,
                     pki.issue(work, "sts", stsHost, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)))).asDefault()));
             PostfixPeer postfix = PostfixPeer.start(postfixDir, domains, listeners)) {
            web.write(stsHost, "/.well-known/mta-sts.txt", "version: STSv1\r\nmode: enforce\r\nmx: mx.t3.dane.test\r\nmax_age: 86400\r\n");
            Path maildir = postfixDir.resolve("mail/catchall");
            ShippedConf mailsecConf = ShippedConf.in(Files.createDirectories(work.resolve("mailsec")));
            mailsecConf.file("mailsec-tls.policy", "[outbound]\nt4.dane.test verify\ndefault may\n[inbound]\ndefault may\n");
            mailsecConf.file("tls/bench-ca.pem", Files.readString(ca));
            mailsecConf.edit("mailetcontainer.xml", DeliveryConfigs.SHIPPED_DELIVERY,
                    DeliveryConfigs.shippedWith("<trustStore>conf/tls/bench-ca.pem</trustStore>",
                            "<mtaStsTrustStore>conf/tls/bench-ca.pem</mtaStsTrustStore>", "<dnssec>trust-ad</dnssec>"));
            ShippedConf remoteConf = ShippedConf.in(Files.createDirectories(work.resolve("remotedelivery")));
            remoteConf.file("mailsec-tls.policy", "[outbound]\ndefault may\n[inbound]\ndefault may\n");
            remoteConf.edit("mailetcontainer.xml", DeliveryConfigs.SHIPPED_DELIVERY,
                    DeliveryConfigs.remoteDeliveryWith("<startTLS>true</startTLS>",
                    // It connects by IP address, so the name can never match: chain checked against the CA only.
                    "<verifyServerIdentity>false</verifyServerIdentity>"));
            try (JamesProcess mailsec = JamesProcess.builder("throughput-mailsec").overlay(mailsecConf.dir()).dnsServer(DnssecTestbed.VALIDATING)
                    .javaOpts(javaOpts).start();
                 JamesProcess remote = JamesProcess.builder("throughput-remotedelivery").overlay(remoteConf.dir()).dnsServer(DnssecTestbed.VALIDATING)
                    .javaOpts(javaOpts).start()) {
                Map<String, JamesProcess> servers = new LinkedHashMap<>();
                servers.put("mailsec", mailsec);
                servers.put("remotedelivery", remote);
                Map<String, List<MimeMessage>> messages = new LinkedHashMap<>();
                for (Map.Entry<String, JamesProcess> s : servers.entrySet()) {
                    messages.put(s.getKey(), messages(s.getValue(), domains));
                }
                StringBuilder report = new StringBuilder(String.format("outbound throughput: %d messages of 10 KB per round, %d submission "
                        + "connections, %d remote domains on one Postfix (STARTTLS everywhere; mailsec: t1 DANE-EE, t2 DANE-TA, "
                        + "t3 MTA-STS enforce, t4 verify entry, t5 default may), warm-up %d each%n",
                        perRound, CONNECTIONS, DOMAINS, warmup));
                for (Map.Entry<String, JamesProcess> s : servers.entrySet()) {
                    Round w = round(s.getKey(), s.getValue(), messages.get(s.getKey()), warmup, maildir);
                    report.append("warm-up  ").append(line(w)).append('\n');
                    System.out.println("warm-up  " + line(w));
                }
                List<Round> a = new ArrayList<>();
                List<Round> b = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    // Alternate which goes first, so a drift of the machine within a pair hits both alike.
                    List<String> order = r % 2 == 0 ? List.of("mailsec", "remotedelivery") : List.of("remotedelivery", "mailsec");
                    for (String name : order) {
                        Round x = round(name, servers.get(name), messages.get(name), perRound, maildir);
                        (name.equals("mailsec") ? a : b).add(x);
                        report.append("round ").append(r + 1).append("  ").append(line(x)).append('\n');
                        System.out.println("round " + (r + 1) + "  " + line(x));
                    }
                }
                report.append(summary(a, b));
                report.append("mailsec deliveries by requirement source (tracking log): ").append(sources(mailsec)).append('\n');
                for (Map.Entry<String, JamesProcess> s : servers.entrySet()) {
                    report.append(s.getKey()).append(": ").append(health(s.getValue())).append('\n');
                }
                Path out = dir.resolve("throughput.txt");
                Files.writeString(out, report.toString());
                System.out.print(report);
                System.out.println("report: " + out);
            }
        }
    }

    /** A pool of 10 KB messages from the demo user, message i to a mailbox of domain i mod 5. */
    static List<MimeMessage> messages(JamesProcess james, List<String> domains) throws Exception {
        MailClient client = new MailClient(james);
        Session session = client.submissionSession();
        List<MimeMessage> pool = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String rcpt = "r" + i + "@" + domains.get(i % domains.size());
            String text = PipelineLoadBench.plainMessage(i, james.demoUser(), rcpt, "");
            String body = text.substring(text.indexOf("\r\n\r\n") + 4);
            pool.add(client.newMessage(session, james.demoUser(), rcpt, "throughput " + i, body));
        }
        return pool;
    }

    static Round round(String name, JamesProcess james, List<MimeMessage> pool, int messages, Path maildir) throws Exception {
        clear(maildir);
        long cpuBefore = ProcStat.cpuMillis(james.jamesJvm().pid());
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        ExecutorService clients = Executors.newFixedThreadPool(CONNECTIONS);
        List<Future<?>> fs = new ArrayList<>();
        Session session = new MailClient(james).submissionSession();
        session.getProperties().put("mail.smtp.localaddress", CLIENT_BIND);
        for (int c = 0; c < CONNECTIONS; c++) {
            fs.add(clients.submit(() -> {
                try (Transport t = session.getTransport("smtp")) {
                    t.connect(james.demoUser(), james.demoPassword());
                    int i;
                    while ((i = next.getAndIncrement()) < messages) {
                        MimeMessage m = pool.get(i % pool.size());
                        t.sendMessage(m, m.getAllRecipients());
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        clients.shutdown();
        long deadline = System.nanoTime() + ROUND_LIMIT.toNanos();
        long delivered = 0;
        long lastProgress = System.nanoTime();
        // A mail that never arrives is a finding, not a reason to wait out the round limit.
        while (delivered < messages && System.nanoTime() < deadline && System.nanoTime() - lastProgress < STALL.toNanos()) {
            Thread.sleep(100);
            long now = count(maildir);
            if (now > delivered) {
                delivered = now;
                lastProgress = System.nanoTime();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (delivered < messages) {
            throw new IllegalStateException(name + ": only " + delivered + " of " + messages + " delivered (no progress for "
                    + STALL.toSeconds() + " s); " + health(james));
        }
        long cpu = ProcStat.cpuMillis(james.jamesJvm().pid()) - cpuBefore;
        return new Round(name, messages, seconds, (double) cpu / messages);
    }

    /** What must be zero after a run: mail in the error repository and James's "Leak detected" lines. */
    static String health(JamesProcess james) {
        JamesProcess.HttpResult errors = james.webadmin("GET", ERROR_REPOSITORY, null);
        long errorMails = errors.status() == 200 ? errors.body().chars().filter(c -> c == '"').count() / 2 : 0;
        long leaks = james.log().lines().filter(l -> l.contains("Leak detected")).count();
        return "error repository " + errorMails + " mails, \"Leak detected\" lines " + leaks;
    }

    /** Delivered tracking lines per {@code source}: shows that DANE and MTA-STS decided what they should. */
    static Map<String, Long> sources(JamesProcess james) {
        Map<String, Long> n = new java.util.TreeMap<>();
        james.logFile("tls-tracking.jsonl").lines().filter(l -> l.contains("\"outcome\":\"delivered\"") && l.contains("\"direction\":\"outbound\""))
                .forEach(l -> {
                    int at = l.indexOf("\"source\":\"");
                    String source = at < 0 ? "?" : l.substring(at + 10, l.indexOf('"', at + 10));
                    n.merge(source, 1L, Long::sum);
                });
        return n;
    }

    static long count(Path maildir) throws Exception {
        long n = 0;
        for (String sub : List.of("new", "cur")) {
            Path d = maildir.resolve(sub);
            if (Files.isDirectory(d)) {
                try (Stream<Path> files = Files.list(d)) {
                    n += files.count();
                }
            }
        }
        return n;
    }

    static void clear(Path maildir) throws Exception {
        for (String sub : List.of("new", "cur")) {
            Path d = maildir.resolve(sub);
            if (Files.isDirectory(d)) {
                try (Stream<Path> files = Files.list(d)) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        Files.deleteIfExists(f);
                    }
                }
            }
        }
    }

    static String line(Round r) {
        return String.format("%-15s %5d delivered in %6.1f s = %6.1f msg/s, James CPU %.2f ms/msg", r.name(), r.messages(), r.seconds(),
                r.msgsPerSecond(), r.cpuMsPerMessage());
    }

    static String summary(List<Round> mailsec, List<Round> remote) {
        List<Double> ratios = new ArrayList<>();
        List<Double> cpuRatios = new ArrayList<>();
        for (int i = 0; i < Math.min(mailsec.size(), remote.size()); i++) {
            ratios.add(mailsec.get(i).msgsPerSecond() / remote.get(i).msgsPerSecond());
            cpuRatios.add(mailsec.get(i).cpuMsPerMessage() / remote.get(i).cpuMsPerMessage());
        }
        return String.format("msg/s mailsec / RemoteDelivery per round pair: %s, median %.2f (standard error %.2f)%n"
                        + "CPU per message mailsec / RemoteDelivery per round pair: %s, median %.2f%n"
                        + "mean msg/s: mailsec %.1f, RemoteDelivery %.1f; mean CPU ms/msg: mailsec %.2f, RemoteDelivery %.2f%n",
                format(ratios), Stats.median(ratios), Stats.standardError(ratios), format(cpuRatios), Stats.median(cpuRatios),
                mailsec.stream().mapToDouble(Round::msgsPerSecond).average().orElse(0),
                remote.stream().mapToDouble(Round::msgsPerSecond).average().orElse(0),
                mailsec.stream().mapToDouble(Round::cpuMsPerMessage).average().orElse(0),
                remote.stream().mapToDouble(Round::cpuMsPerMessage).average().orElse(0));
    }

    private static String hex(byte[] data) {
        StringBuilder sb = new StringBuilder();
        for (byte b : data) {
            sb.append(String.format("%02X", b));
        }
        return sb.toString();
    }

    private static String format(List<Double> xs) {
        return xs.stream().map(x -> String.format("%.2f", x)).toList().toString();
    }
}

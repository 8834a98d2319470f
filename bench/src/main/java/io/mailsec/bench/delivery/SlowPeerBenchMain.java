package io.mailsec.bench.delivery;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.mailsec.core.dns.Dnsmasq;
import io.mailsec.it.JamesProcess;
import io.mailsec.it.MailClient;
import io.mailsec.it.ShippedConf;
import io.mailsec.it.SmtpDialog;
import io.mailsec.it.SmtpSink;

/**
 * Slow-peer isolation (issue 17): N messages for a domain whose MX accepts connections and never
 * answers, then (a) one message for a local mailbox and (b) 20 messages for a healthy remote domain;
 * seconds until (a) is in the mailbox and (b) is all at the healthy MX. The same run with james-conf's
 * relay processor using mailsec's TlsPolicyDelivery and James's own RemoteDelivery, one after the other.
 */
public final class SlowPeerBenchMain {
    static final String DNS = "127.0.8.153";
    static final String TARPIT = "127.0.8.125";
    static final String HEALTHY = "127.0.8.126";
    static final String CLIENT = "127.0.8.111";
    static final Duration LIMIT = Duration.ofSeconds(120);
    private SlowPeerBenchMain() {
    }

    public static void main(String[] args) throws Exception {
        int tarpitted = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        Path dir = Files.createTempDirectory("slow-peer-bench");
        List<Socket> held = new ArrayList<>();
        try (Dnsmasq dns = Dnsmasq.start(DNS, List.of("test"), List.of(Dnsmasq.mx("tarpit.test", "mx.tarpit.test", 10),
                Dnsmasq.host("mx.tarpit.test", TARPIT), Dnsmasq.mx("healthy.test", "mx.healthy.test", 10),
                Dnsmasq.host("mx.healthy.test", HEALTHY)));
             ServerSocket tarpit = new ServerSocket(25, 500, InetAddress.getByName(TARPIT));
             SmtpSink healthy = new SmtpSink(HEALTHY, 25)) {
            Thread accept = new Thread(() -> {
                while (!tarpit.isClosed()) {
                    try {
                        Socket s = tarpit.accept();
                        synchronized (held) {
                            held.add(s);
                        }
                    } catch (Exception e) {
                        return;
                    }
                }
            }, "tarpit");
            accept.setDaemon(true);
            accept.start();
            StringBuilder report = new StringBuilder("slow-peer isolation: " + tarpitted + " messages to a tarpit MX, then (a) 1 local, "
                    + "(b) 20 to a healthy remote domain; seconds (limit " + LIMIT.toSeconds() + ")\n");
            for (String name : List.of("mailsec", "remotedelivery")) {
                ShippedConf conf = ShippedConf.in(Files.createDirectories(dir.resolve(name)));
                conf.file("mailsec-tls.policy", "[outbound]\ndefault may\n[inbound]\ndefault may\n");
                if (name.equals("remotedelivery")) {
                    conf.edit("mailetcontainer.xml", DeliveryConfigs.SHIPPED_DELIVERY, DeliveryConfigs.REMOTE_DELIVERY);
                }
                try (JamesProcess james = JamesProcess.builder("slowpeer-" + name).overlay(conf.dir()).dnsServer(DNS).start()) {
                    String line = run(name, james, tarpitted, healthy, held);
                    System.out.println(line);
                    report.append(line).append('\n');
                }
                synchronized (held) {
                    for (Socket s : held) {
                        s.close();
                    }
                    held.clear();
                }
            }
            Path out = Path.of(System.getProperty("mailsec.root", ".")).resolve("bench/target/delivery/slow-peer.txt");
            Files.createDirectories(out.getParent());
            Files.writeString(out, report.toString());
            System.out.print(report);
        }
    }

    static String run(String name, JamesProcess james, int tarpitted, SmtpSink healthy, List<Socket> held) throws Exception {
        String tag = UUID.randomUUID().toString();
        MailClient client = new MailClient(james);
        long t0 = System.nanoTime();
        for (int i = 0; i < tarpitted; i++) {
            client.submit(client.newMessage(client.submissionSession(), james.demoUser(), "u" + i + "@tarpit.test", tag + " tarpit " + i,
                    "x\r\n"), james.demoUser(), james.demoPassword());
        }
        double submitSeconds = (System.nanoTime() - t0) / 1e9;
        Thread.sleep(3000); // let the deliveries reach the tarpit
        long start = System.nanoTime();
        String local = "From: a@sender.test\r\nTo: " + james.demoUser() + "\r\nSubject: " + tag + " local\r\n\r\nhello\r\n";
        try (SmtpDialog smtp = SmtpDialog.connectFrom(CLIENT, james.host(), james.smtpPort())) {
            smtp.reply();
            smtp.send("client.sender.test", "a@sender.test", List.of(james.demoUser()), local.getBytes(StandardCharsets.US_ASCII));
        }
        boolean localOk = JamesProcess.await(LIMIT, () -> client.imapsOrNone(james.demoUser(), james.demoPassword()).stream()
                .anyMatch(m -> MailClient.subject(m).equals(tag + " local")));
        double localSeconds = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            client.submit(client.newMessage(client.submissionSession(), james.demoUser(), "h" + i + "@healthy.test", tag + " healthy " + i,
                    "x\r\n"), james.demoUser(), james.demoPassword());
        }
        Set<Integer> got = new HashSet<>();
        long end = System.nanoTime() + LIMIT.toNanos();
        while (got.size() < 20 && System.nanoTime() < end) {
            byte[] m = healthy.next(1);
            String s = m == null ? "" : new String(m, StandardCharsets.ISO_8859_1);
            for (int i = 0; i < 20; i++) {
                if (s.contains(tag + " healthy " + i + "\r") || s.contains(tag + " healthy " + i + "\n")) {
                    got.add(i);
                }
            }
        }
        double healthySeconds = (System.nanoTime() - start) / 1e9;
        int sessions;
        synchronized (held) {
            sessions = (int) held.stream().filter(s -> !s.isClosed()).count();
        }
        return String.format("%-15s submit %d: %.1f s | (a) local: %s | (b) 20 healthy: %s (%d/20) | tarpit sessions held: %d", name,
                tarpitted, submitSeconds, localOk ? String.format("%.2f s", localSeconds) : "not within " + LIMIT.toSeconds() + " s",
                got.size() == 20 ? String.format("%.2f s", healthySeconds) : "not within " + LIMIT.toSeconds() + " s", got.size(), sessions);
    }
}

package io.mailsec.cli;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** (Copy of tls-policy-mailet test fixture io.mailsec.tls.peers.Dnsmasq.)
 * dnsmasq on ADDRESS:53 serving MX + A records for test domains (each domain -> its own 127.0.4.x). */
public final class TlsDnsmasq implements AutoCloseable {
    private final Process process;
    private final String address;

    private TlsDnsmasq(Process process, String address) {
        this.process = process;
        this.address = address;
    }

    /** @param mx domain -> (mx host name, ipv4) */
    public static TlsDnsmasq start(String address, Path workDir, String localZone, Map<String, String[]> mx) throws Exception {
        TlsPeers.requireBinary("dnsmasq", "dnsmasq-base");
        if (bound(address)) {
            throw new IllegalStateException(address + ":53/udp is already in use (a dnsmasq left over from an interrupted run? "
                    + "find it with `ss -lunp | grep " + address + ":53`)");
        }
        List<String> cmd = new ArrayList<>(List.of("dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--port=53",
                "--listen-address=" + address, "--bind-interfaces", "--no-resolv", "--no-hosts", "--log-facility=-",
                "--pid-file=" + workDir.resolve("dnsmasq.pid"), "--local=/" + localZone + "/"));
        for (Map.Entry<String, String[]> e : mx.entrySet()) {
            cmd.add("--mx-host=" + e.getKey() + "," + e.getValue()[0] + ",10");
            cmd.add("--host-record=" + e.getValue()[0] + "," + e.getValue()[1]);
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(workDir.resolve("dnsmasq.log").toFile()).start();
        TlsDnsmasq d = new TlsDnsmasq(p, address);
        TlsPeers.register(d);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("dnsmasq exited: " + Files.readString(workDir.resolve("dnsmasq.log")));
            }
            if (bound(address)) {
                return d;
            }
            Thread.sleep(30);
        }
        throw new IllegalStateException("dnsmasq did not start on " + address + ":53");
    }

    private static boolean bound(String address) {
        try (DatagramSocket s = new DatagramSocket(53, InetAddress.getByName(address))) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    public String address() {
        return address;
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        process.waitFor();
    }
}

package io.mailsec.tls.peers;

import java.io.IOException;
import java.util.Map;

import io.mailsec.core.dns.Dnsmasq;
import io.mailsec.core.peers.PeerTools;

/** The TLS tests' DNS: the project's fixture with an MX and an A record per test domain. */
public final class Peers {
    private Peers() {
    }

    /** Serves {@code localZone} with domain -> {mx host, IPv4}; stopped by {@link PeerTools#closeAll}. */
    public static Dnsmasq dns(String address, String localZone, Map<String, String[]> mx) throws IOException {
        Dnsmasq.Builder b = Dnsmasq.on(address).zone(localZone);
        mx.forEach((domain, host) -> b.mx(domain, host[0], 10).host(host[0], host[1]));
        Dnsmasq d = b.start();
        PeerTools.register(d);
        return d;
    }
}

package io.mailsec.spf;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** A list of IP networks ("127.0.0.0/8, ::1, 192.0.2.7") for trusted-network checks. */
public final class NetworkList {
    private final List<byte[]> networks = new ArrayList<>();
    private final List<Integer> prefixes = new ArrayList<>();
    private final String source;

    private NetworkList(String source) {
        this.source = source;
    }

    /**
     * Parses a comma- or whitespace-separated list of addresses and CIDR networks.
     *
     * @throws IllegalArgumentException naming the bad entry
     */
    public static NetworkList parse(String list) {
        NetworkList n = new NetworkList(list == null ? "" : list.trim());
        if (list == null) {
            return n;
        }
        for (String entry : list.split("[,\\s]+")) {
            if (entry.isEmpty()) {
                continue;
            }
            String addr = entry;
            int prefix = -1;
            int slash = entry.indexOf('/');
            if (slash >= 0) {
                addr = entry.substring(0, slash);
                try {
                    prefix = Integer.parseInt(entry.substring(slash + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("invalid network '" + entry + "'");
                }
            }
            InetAddress a;
            try {
                a = Ip.parseClient(addr);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid network '" + entry + "'");
            }
            int max = a.getAddress().length * 8;
            if (prefix < 0) {
                prefix = max;
            }
            if (prefix > max) {
                throw new IllegalArgumentException("invalid prefix length in '" + entry + "'");
            }
            n.networks.add(a.getAddress());
            n.prefixes.add(prefix);
        }
        return n;
    }

    /** True if the address (literal) lies in one of the networks; false for anything unparseable. */
    public boolean contains(String ip) {
        if (ip == null || networks.isEmpty()) {
            return false;
        }
        byte[] b;
        try {
            b = Ip.parseClient(ip).getAddress();
        } catch (IllegalArgumentException e) {
            return false;
        }
        for (int i = 0; i < networks.size(); i++) {
            if (Ip.inNetwork(b, networks.get(i), prefixes.get(i))) {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return networks.isEmpty();
    }

    @Override
    public String toString() {
        return source;
    }
}

package io.mailsec.spf;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** IP literal parsing and CIDR matching without any DNS lookups. */
final class Ip {
    static final java.util.regex.Pattern IP4 = java.util.regex.Pattern.compile(
            "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

    private Ip() {
    }

    /**
     * Four bytes of {@code s} if it matches {@link #IP4} exactly (four decimal octets 0-255, no
     * leading zeros), else null: the same language as the pattern, without a regex per call (the
     * client address of every mail goes through here several times).
     */
    static byte[] dottedQuad(String s) {
        int n = s.length();
        if (n < 7 || n > 15) {
            return null;
        }
        byte[] b = new byte[4];
        int part = 0;
        int i = 0;
        while (true) {
            int start = i;
            int v = 0;
            while (i < n && i - start < 4) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') {
                    break;
                }
                v = v * 10 + (c - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || digits > 3 || v > 255 || (digits > 1 && s.charAt(start) == '0')) {
                return null;
            }
            b[part++] = (byte) v;
            if (part == 4) {
                return i == n ? b : null;
            }
            if (i >= n || s.charAt(i) != '.') {
                return null;
            }
            i++;
        }
    }

    /** Four bytes of a dotted quad (already checked by a pattern). */
    static byte[] parseIp4(String s) {
        String[] p = s.split("\\.");
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            b[i] = (byte) Integer.parseInt(p[i]);
        }
        return b;
    }

    /** Sixteen bytes of an IPv6 literal (RFC 4291 §2.2, with optional trailing dotted quad), or null. */
    static byte[] parseIp6(String s) {
        if (s.isEmpty() || s.indexOf(':') < 0) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.')) {
                return null;
            }
        }
        byte[] out = new byte[16];
        String head = s;
        String tail = null;
        int dc = s.indexOf("::");
        if (dc >= 0) {
            if (s.indexOf("::", dc + 1) >= 0) {
                return null;
            }
            head = s.substring(0, dc);
            tail = s.substring(dc + 2);
        }
        int[] h = groups(head, tail == null);
        int[] t = tail == null ? new int[0] : groups(tail, true);
        if (h == null || t == null) {
            return null;
        }
        int total = h.length + t.length;
        if (tail == null ? total != 8 : total > 7) {
            return null;
        }
        for (int i = 0; i < h.length; i++) {
            out[2 * i] = (byte) (h[i] >> 8);
            out[2 * i + 1] = (byte) h[i];
        }
        for (int i = 0; i < t.length; i++) {
            int pos = 8 - t.length + i;
            out[2 * pos] = (byte) (t[i] >> 8);
            out[2 * pos + 1] = (byte) t[i];
        }
        return out;
    }

    /** 16-bit groups; a dotted quad is allowed as the last element when {@code last}. */
    private static int[] groups(String s, boolean last) {
        if (s.isEmpty()) {
            return new int[0];
        }
        String[] parts = s.split(":", -1);
        java.util.List<Integer> out = new java.util.ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (p.indexOf('.') >= 0) {
                if (!last || i != parts.length - 1 || !IP4.matcher(p).matches()) {
                    return null;
                }
                byte[] b = parseIp4(p);
                out.add((b[0] & 0xff) << 8 | b[1] & 0xff);
                out.add((b[2] & 0xff) << 8 | b[3] & 0xff);
                continue;
            }
            if (p.isEmpty() || p.length() > 4) {
                return null;
            }
            out.add(Integer.parseInt(p, 16));
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Parses a client address: a dotted quad or an IPv6 literal; IPv4-mapped IPv6 becomes IPv4. */
    static InetAddress parseClient(String s) {
        if (s == null) {
            throw new IllegalArgumentException("no IP address");
        }
        String v = s.trim();
        if (v.startsWith("[") && v.endsWith("]")) {
            v = v.substring(1, v.length() - 1);
        }
        if (v.regionMatches(true, 0, "IPv6:", 0, 5)) {
            v = v.substring(5);
        }
        try {
            if (v.indexOf(':') < 0) {
                byte[] quad = dottedQuad(v);
                if (quad != null) {
                    return InetAddress.getByAddress(quad);
                }
            }
            byte[] b = parseIp6(v);
            if (b == null) {
                throw new IllegalArgumentException("not an IP address: '" + s + "'");
            }
            return InetAddress.getByAddress(b); // Java turns ::ffff:a.b.c.d into an Inet4Address
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: '" + s + "'", e);
        }
    }

    /** True if {@code ip} lies in network/prefix; families must agree. */
    static boolean inNetwork(byte[] ip, byte[] network, int prefix) {
        if (ip.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (ip[i] != network[i]) {
                return false;
            }
        }
        int rem = prefix % 8;
        if (rem == 0) {
            return true;
        }
        int mask = (0xff << (8 - rem)) & 0xff;
        return (ip[full] & mask) == (network[full] & mask);
    }

    static boolean isV4(InetAddress a) {
        return a instanceof Inet4Address;
    }

    /** %{i}: dotted quad for IPv4, dot-separated nibbles for IPv6 (RFC 7208 §7.3). */
    static String macroI(InetAddress a) {
        byte[] b = a.getAddress();
        StringBuilder sb = new StringBuilder();
        if (b.length == 4) {
            return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
        }
        for (byte x : b) {
            if (sb.length() > 0) {
                sb.append('.');
            }
            sb.append(Character.toUpperCase(Character.forDigit((x >> 4) & 0xf, 16))).append('.').append(Character.toUpperCase(Character.forDigit(x & 0xf, 16)));
        }
        return sb.toString();
    }

    /** %{c}: the readable form (dotted quad or RFC 5952 compressed IPv6). */
    static String readable(InetAddress a) {
        if (a instanceof Inet4Address) {
            return a.getHostAddress();
        }
        byte[] b = a.getAddress();
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = (b[2 * i] & 0xff) << 8 | b[2 * i + 1] & 0xff;
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (g[i] == 0) {
                int j = i;
                while (j < 8 && g[j] == 0) {
                    j++;
                }
                if (j - i > bestLen && j - i > 1) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}

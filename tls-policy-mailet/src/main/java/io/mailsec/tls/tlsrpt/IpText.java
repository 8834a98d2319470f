package io.mailsec.tls.tlsrpt;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * IP addresses as RFC 8460 §4.4 wants them: dot-decimal IPv4, IPv6 in the RFC 5952 form (lower case,
 * no leading zeros, the longest run of two or more zero groups as {@code ::}, the first of equal runs).
 * Java's {@link InetAddress#getHostAddress()} writes every group ({@code 2001:db8:0:0:0:0:0:1}), which
 * would make the same peer two rows of a report when some callers compress and others do not.
 */
final class IpText {
    private IpText() {
    }

    static String of(InetAddress a) {
        if (a instanceof Inet4Address) {
            return a.getHostAddress();
        }
        byte[] b = a.getAddress();
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = (b[2 * i] & 0xff) << 8 | b[2 * i + 1] & 0xff;
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8;) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
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

    /**
     * A textual address in the report's form; the text must be an IP literal (no name is resolved).
     *
     * @throws IllegalArgumentException for anything else
     */
    static String of(String literal) {
        String s = literal.strip();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        boolean v4 = s.matches("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
        boolean v6 = !v4 && s.contains(":") && s.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) {
            throw new IllegalArgumentException("'" + literal + "' is not an IP address");
        }
        try {
            InetAddress a = InetAddress.getByName(s); // a literal: no lookup happens
            if (v6 && !(a instanceof Inet6Address)) {
                return a.getHostAddress(); // ::ffff:a.b.c.d comes back as IPv4
            }
            return of(a);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + literal + "' is not an IP address");
        }
    }
}

package io.mailsec.spf;

import javax.mail.MessagingException;

import io.mailsec.core.dns.DnsResolver;
import io.mailsec.core.dns.SharedDns;

import org.apache.mailet.base.GenericMailet;

/** Init-parameter parsing that fails init() naming the parameter and the value. */
public final class MailetParams {
    private MailetParams() {
    }

    public static boolean bool(GenericMailet m, String name, boolean def) throws MessagingException {
        String v = m.getInitParameter(name);
        return parseBool(name, v, def);
    }

    public static boolean parseBool(String name, String v, boolean def) throws MessagingException {
        if (v == null || v.isBlank()) {
            return def;
        }
        switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true":
            case "yes":
                return true;
            case "false":
            case "no":
                return false;
            default:
                throw new MessagingException("invalid parameter " + name + "='" + v + "': expected true or false");
        }
    }

    public static long positiveLong(GenericMailet m, String name, long def) throws MessagingException {
        String v = m.getInitParameter(name);
        if (v == null || v.isBlank()) {
            return def;
        }
        try {
            long l = Long.parseLong(v.trim());
            if (l > 0) {
                return l;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new MessagingException("invalid parameter " + name + "='" + v + "': expected a positive integer");
    }

    /** The shared resolver for {@code dnsServers}; a bad server list fails naming the parameter and the value. */
    public static DnsResolver dns(String servers, long timeoutMillis) throws MessagingException {
        try {
            return SharedDns.forServers(servers, timeoutMillis);
        } catch (IllegalArgumentException e) {
            throw new MessagingException("invalid parameter dnsServers='" + servers + "': " + e.getMessage());
        }
    }

    public static NetworkList networks(GenericMailet m, String name, String def) throws MessagingException {
        String v = m.getInitParameter(name, def);
        try {
            return NetworkList.parse(v);
        } catch (IllegalArgumentException e) {
            throw new MessagingException("invalid parameter " + name + "='" + v + "': " + e.getMessage());
        }
    }
}

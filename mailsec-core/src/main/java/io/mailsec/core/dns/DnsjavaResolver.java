package io.mailsec.core.dns;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import io.mailsec.core.dns.transport.MailsecDnsResolver;

/**
 * {@link DnsResolver} on dnsjava, sending queries straight to the configured servers so that
 * RCODEs and timeouts reach the caller unchanged (dnsjava's {@code Lookup} folds them together).
 */
public final class DnsjavaResolver implements DnsResolver {
    private static final long DEFAULT_NEGATIVE_TTL = 300;

    private final Resolver resolver;
    private final String description;

    private DnsjavaResolver(Resolver resolver, String description) {
        this.resolver = resolver;
        this.description = description;
    }

    /**
     * @param servers "host" or "host:port" entries (port 53 by default); empty means the system resolvers
     * @param timeout per-query timeout across all servers
     */
    public static DnsjavaResolver create(List<String> servers, Duration timeout) {
        try {
            return new DnsjavaResolver(dnsjavaResolver(servers, timeout),
                    servers.isEmpty() ? "system resolvers" : String.join(",", servers));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("DNS server not resolvable: " + servers, e);
        }
    }

    /**
     * The dnsjava resolver for these servers ("host", "host:port" or "[v6]:port"; empty = the system
     * resolvers), with the timeout set: shared with the DNSSEC lookups so both read servers alike.
     */
    public static Resolver dnsjavaResolver(List<String> servers, Duration timeout) throws UnknownHostException {
        List<Resolver> each = new ArrayList<>();
        if (servers.isEmpty()) {
            for (InetSocketAddress a : ResolverConfig.getCurrentConfig().servers()) {
                each.add(new MailsecDnsResolver(a));
            }
        } else {
            for (String s : servers) {
                each.add(new MailsecDnsResolver(address(s)));
            }
        }
        Resolver r = each.size() == 1 ? each.get(0) : new ExtendedResolver(each);
        r.setTimeout(timeout);
        return r;
    }

    /** "host", "host:port" or "[v6]:port" (port 53 by default). */
    private static InetSocketAddress address(String server) throws UnknownHostException {
        String host = server.trim();
        int port = 53;
        int colon = host.lastIndexOf(':');
        if (colon > 0 && host.indexOf(':') == colon) {
            port = Integer.parseInt(host.substring(colon + 1));
            host = host.substring(0, colon);
        } else if (host.startsWith("[") && host.contains("]:")) {
            port = Integer.parseInt(host.substring(host.indexOf("]:") + 2));
            host = host.substring(1, host.indexOf("]:"));
        }
        return new InetSocketAddress(InetAddress.getByName(host), port);
    }

    @Override
    public DnsResult<String> txt(String name) {
        return query(name, Type.TXT, r -> {
            StringBuilder sb = new StringBuilder();
            for (byte[] chunk : ((TXTRecord) r).getStringsAsByteArrays()) {
                sb.append(new String(chunk, StandardCharsets.ISO_8859_1));
            }
            return sb.toString();
        });
    }

    @Override
    public DnsResult<InetAddress> a(String name) {
        return query(name, Type.A, r -> ((ARecord) r).getAddress());
    }

    @Override
    public DnsResult<InetAddress> aaaa(String name) {
        return query(name, Type.AAAA, r -> ((AAAARecord) r).getAddress());
    }

    @Override
    public DnsResult<MxRecord> mx(String name) {
        return query(name, Type.MX, r -> {
            MXRecord mx = (MXRecord) r;
            return new MxRecord(mx.getPriority(), stripDot(mx.getTarget().toString()));
        });
    }

    @Override
    public DnsResult<String> ptr(InetAddress address) {
        return query(ReverseMap.fromAddress(address), Type.PTR, r -> stripDot(((PTRRecord) r).getTarget().toString()));
    }

    private <T> DnsResult<T> query(String name, int type, Function<Record, T> convert) {
        Name n;
        try {
            n = Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            return DnsResult.of(DnsStatus.NXDOMAIN, 0, "invalid name '" + name + "': " + e.getMessage());
        }
        return query(n, type, convert);
    }

    private <T> DnsResult<T> query(Name name, int type, Function<Record, T> convert) {
        Message response;
        try {
            response = resolver.send(Message.newQuery(Record.newRecord(name, type, DClass.IN)));
        } catch (IOException e) {
            if (isTimeout(e)) {
                return DnsResult.of(DnsStatus.TIMEOUT, 0, "timeout querying " + Type.string(type) + " " + name
                        + " at " + description);
            }
            return DnsResult.of(DnsStatus.SERVFAIL, 0, "network error querying " + Type.string(type) + " " + name + " at "
                    + description + ": " + describe(e));
        }
        int rcode = response.getRcode();
        if (rcode == Rcode.NXDOMAIN) {
            return DnsResult.of(DnsStatus.NXDOMAIN, negativeTtl(response), name + " does not exist");
        }
        if (rcode != Rcode.NOERROR) {
            return DnsResult.of(DnsStatus.SERVFAIL, 0, "server answered " + Rcode.string(rcode) + " to " + Type.string(type) + " "
                    + name + " at " + description);
        }
        List<T> out = new ArrayList<>();
        long ttl = Long.MAX_VALUE;
        for (Record r : response.getSection(Section.ANSWER)) {
            if (r.getType() == type) {
                out.add(convert.apply(r));
                ttl = Math.min(ttl, r.getTTL());
            }
        }
        if (out.isEmpty()) {
            return DnsResult.of(DnsStatus.NODATA, negativeTtl(response), "no " + Type.string(type) + " records for " + name);
        }
        return DnsResult.ok(out, ttl);
    }

    /**
     * What went wrong, for a reason a person reads: many network exceptions carry no message
     * (PortUnreachableException when the server is down, ClosedChannelException), so the exception
     * kind is named, and each cause's message is added.
     */
    public static String describe(Throwable e) {
        List<String> parts = new ArrayList<>();
        boolean informative = false;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            // JDK exceptions made from a cause copy the cause's toString() as their message
            boolean own = m != null && !m.isBlank() && (t.getCause() == null || !m.equals(t.getCause().toString()));
            if (t == e) {
                parts.add(t.getClass().getSimpleName() + (own ? " " + m : ""));
            } else if (own) {
                parts.add(m);
            } else if (!informative) {
                parts.add(t.getClass().getSimpleName());
            }
            informative |= own;
        }
        return String.join("; ", parts);
    }

    /** dnsjava 3 reports timeouts as SocketTimeoutException or as a plain IOException("Timed out ..."). */
    public static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InterruptedIOException || t instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
            String m = t.getMessage();
            if (m != null && m.toLowerCase(java.util.Locale.ROOT).contains("timed out")) {
                return true;
            }
        }
        return false;
    }

    private static long negativeTtl(Message response) {
        for (Record r : response.getSection(Section.AUTHORITY)) {
            if (r instanceof SOARecord) {
                return Math.min(r.getTTL(), ((SOARecord) r).getMinimum());
            }
        }
        return DEFAULT_NEGATIVE_TTL;
    }

    private static String stripDot(String s) {
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public String toString() {
        return "DnsjavaResolver[" + description + "]";
    }
}

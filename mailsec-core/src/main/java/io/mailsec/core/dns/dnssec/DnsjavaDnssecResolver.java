package io.mailsec.core.dns.dnssec;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import io.mailsec.core.dns.DnsResult;
import io.mailsec.core.dns.DnsStatus;
import io.mailsec.core.dns.DnsjavaResolver;
import io.mailsec.core.dns.MxRecord;

/**
 * {@link DnssecResolver} on dnsjava: one query per lookup, sent through the mode's resolver, read
 * by the mode's {@link DnssecJudge}, within one deadline for the whole lookup (in {@code validate}
 * mode a lookup also fetches the DS and DNSKEY records up to the trust anchor, and all of it must
 * fit in the timeout). Made by {@link DnssecResolvers}.
 */
final class DnsjavaDnssecResolver implements DnssecResolver {
    private static final long DEFAULT_NEGATIVE_TTL = 300;

    private final DnssecMode mode;
    private final Resolver resolver;
    private final DnssecJudge judge;
    private final Duration timeout;
    private final String description;

    DnsjavaDnssecResolver(DnssecMode mode, Resolver resolver, DnssecJudge judge, Duration timeout, String description) {
        this.mode = Objects.requireNonNull(mode);
        this.resolver = Objects.requireNonNull(resolver);
        this.judge = Objects.requireNonNull(judge);
        this.timeout = Objects.requireNonNull(timeout);
        this.description = description;
    }

    @Override
    public DnssecMode mode() {
        return mode;
    }

    @Override
    public DnssecResult<MxRecord> mx(String domain) {
        return query(domain, Type.MX, r -> {
            MXRecord mx = (MXRecord) r;
            return new MxRecord(mx.getPriority(), stripDot(mx.getTarget().toString()));
        });
    }

    @Override
    public DnssecResult<InetAddress> a(String host) {
        return query(host, Type.A, r -> ((ARecord) r).getAddress());
    }

    @Override
    public DnssecResult<InetAddress> aaaa(String host) {
        return query(host, Type.AAAA, r -> ((AAAARecord) r).getAddress());
    }

    @Override
    public DnssecResult<TlsaRdata> tlsa(String host, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        return query("_" + port + "._tcp." + stripDot(host), Type.TLSA, r -> new TlsaRdata(r.rdataToWireCanonical()));
    }

    private <T> DnssecResult<T> query(String name, int type, Function<Record, T> convert) {
        String shown = stripDot(name);
        Name qname;
        try {
            qname = Name.fromString(shown + ".");
        } catch (TextParseException e) {
            // Not a name DNS can carry: nothing exists there, and no signature can say otherwise.
            return DnssecResult.indeterminate(shown, DnsStatus.SERVFAIL, "invalid name '" + name + "': " + e.getMessage());
        }
        Message query = Message.newQuery(Record.newRecord(qname, type, DClass.IN));
        judge.prepare(query);
        String what = Type.string(type) + " " + shown;
        Message response;
        try {
            response = resolver.sendAsync(query).toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return DnssecResult.indeterminate(shown, DnsStatus.TIMEOUT, "timeout after " + timeout.toMillis() + " ms for "
                    + what + " at " + description);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DnssecResult.indeterminate(shown, DnsStatus.TIMEOUT, "interrupted while resolving " + what);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (DnsjavaResolver.isTimeout(cause)) {
                return DnssecResult.indeterminate(shown, DnsStatus.TIMEOUT, "timeout for " + what + " at " + description);
            }
            if (cause instanceof UpstreamFailures.UpstreamFailure) {
                return DnssecResult.indeterminate(shown, DnsStatus.SERVFAIL, cause.getMessage());
            }
            String kind = cause instanceof IOException ? "network error" : "error";
            return DnssecResult.indeterminate(shown, DnsStatus.SERVFAIL, kind + " for " + what + " at " + description + ": "
                    + DnsjavaResolver.describe(cause));
        }
        Judgement j = judge.judge(response);
        switch (j.status) {
            case BOGUS:
                return DnssecResult.bogus(shown, what + " at " + description + ": " + j.reason);
            case INDETERMINATE:
                return DnssecResult.indeterminate(shown, DnsStatus.SERVFAIL, what + " at " + description + ": " + j.reason);
            default:
                return answer(j.status, response, qname, type, convert, what);
        }
    }

    /** The records of {@code type} at the end of the CNAME chain from {@code qname}, or the denial. */
    private static <T> DnssecResult<T> answer(DnssecStatus status, Message response, Name qname, int type,
            Function<Record, T> convert, String what) {
        List<Record> answers = response.getSection(Section.ANSWER);
        Name owner = qname;
        for (int hops = 0; hops < 16; hops++) {
            Name next = null;
            for (Record r : answers) {
                if (r.getType() == Type.CNAME && r.getName().equals(owner)) {
                    next = ((CNAMERecord) r).getTarget();
                }
            }
            if (next == null) {
                break;
            }
            owner = next;
        }
        List<T> out = new ArrayList<>();
        long ttl = Long.MAX_VALUE;
        for (Record r : answers) {
            if (r.getType() == type && r.getName().equals(owner)) {
                out.add(convert.apply(r));
                ttl = Math.min(ttl, r.getTTL());
            }
        }
        String canonical = stripDot(owner.toString());
        if (!out.isEmpty()) {
            return DnssecResult.answer(status, DnsResult.ok(out, ttl), canonical);
        }
        if (response.getRcode() == Rcode.NXDOMAIN) {
            return DnssecResult.answer(status, DnsResult.of(DnsStatus.NXDOMAIN, negativeTtl(response), canonical
                    + " does not exist"), canonical);
        }
        return DnssecResult.answer(status, DnsResult.of(DnsStatus.NODATA, negativeTtl(response), "no " + what), canonical);
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
        return "DnssecResolver[" + mode + ", " + description + "]";
    }
}

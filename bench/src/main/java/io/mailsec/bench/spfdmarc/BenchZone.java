package io.mailsec.bench.spfdmarc;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.james.jspf.core.DNSRequest;
import org.apache.james.jspf.core.DNSService;

import io.mailsec.core.dns.DnsResolver;
import io.mailsec.core.dns.DnsResult;
import io.mailsec.core.dns.DnsStatus;
import io.mailsec.core.dns.MxRecord;

/**
 * The benchmark's DNS data, served from memory to both implementations (the equivalent of a warm
 * cache): a 3-level include chain example.com -> l1 -> l2 -> l3, plus DMARC records.
 */
final class BenchZone implements DnsResolver, DNSService {
    final Map<String, List<String>> txt = new HashMap<>();
    final Map<String, List<String>> a = new HashMap<>();

    BenchZone() {
        txt.put("example.com", List.of("v=spf1 include:l1.example.com -all"));
        txt.put("l1.example.com", List.of("v=spf1 ip4:10.0.0.0/8 include:l2.example.com ~all"));
        txt.put("l2.example.com", List.of("v=spf1 a:mail.example.com include:l3.example.com -all"));
        txt.put("l3.example.com", List.of("v=spf1 ip6:2001:db8::/32 ip4:192.0.2.0/24 -all"));
        a.put("mail.example.com", List.of("198.51.100.1"));
        txt.put("_dmarc.example.com", List.of("v=DMARC1; p=reject; rua=mailto:dmarc@example.com"));
        txt.put("_dmarc.example.org", List.of("v=DMARC1; p=quarantine; adkim=s"));
    }

    private static String n(String name) {
        String s = name.toLowerCase(Locale.ROOT);
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    // --- mailsec DnsResolver ---
    @Override
    public DnsResult<String> txt(String name) {
        List<String> r = txt.get(n(name));
        return r == null ? DnsResult.of(DnsStatus.NXDOMAIN, 300, "nx") : DnsResult.ok(r, 300);
    }

    @Override
    public DnsResult<InetAddress> a(String name) {
        List<String> r = a.get(n(name));
        if (r == null) {
            return DnsResult.of(DnsStatus.NXDOMAIN, 300, "nx");
        }
        try {
            return DnsResult.ok(List.of(InetAddress.getByName(r.get(0))), 300);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public DnsResult<InetAddress> aaaa(String name) {
        return DnsResult.of(a.containsKey(n(name)) ? DnsStatus.NODATA : DnsStatus.NXDOMAIN, 300, "none");
    }

    @Override
    public DnsResult<MxRecord> mx(String name) {
        return DnsResult.of(DnsStatus.NXDOMAIN, 300, "nx");
    }

    @Override
    public DnsResult<String> ptr(InetAddress address) {
        return DnsResult.of(DnsStatus.NXDOMAIN, 300, "nx");
    }

    // --- jSPF DNSService ---
    @Override
    public List<String> getRecords(DNSRequest request) {
        String name = n(request.getHostname());
        switch (request.getRecordType()) {
            case DNSRequest.TXT:
                return txt.getOrDefault(name, List.of());
            case DNSRequest.A:
                return a.getOrDefault(name, List.of());
            default:
                return List.of(); // like jSPF's own resolver: no records = empty list
        }
    }

    @Override
    public CompletionStage<List<String>> getRecordsAsync(DNSRequest request) {
        return CompletableFuture.completedFuture(getRecords(request));
    }

    @Override
    public List<String> getLocalDomainNames() {
        return List.of("localhost");
    }

    @Override
    public void setTimeOut(int timeOut) {
    }

    @Override
    public int getRecordLimit() {
        return 0;
    }

    @Override
    public void setRecordLimit(int recordLimit) {
    }
}

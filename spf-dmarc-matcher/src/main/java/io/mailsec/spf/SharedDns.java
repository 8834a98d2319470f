package io.mailsec.spf;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.mailsec.core.dns.CachingDnsResolver;
import io.mailsec.core.dns.DnsResolver;
import io.mailsec.core.dns.DnsjavaResolver;

/**
 * One caching resolver per (servers, timeout) so that SpfCheck, the SPF hook and DmarcCheck share
 * their DNS cache inside a James process.
 */
public final class SharedDns {
    private static final Map<String, DnsResolver> RESOLVERS = new ConcurrentHashMap<>();

    private SharedDns() {
    }

    /**
     * @param servers comma-separated "host[:port]" list; empty or null = the system resolvers
     * @param timeoutMillis per-query timeout
     */
    public static DnsResolver forServers(String servers, long timeoutMillis) {
        List<String> list = parseServers(servers);
        String key = String.join(",", list) + "|" + timeoutMillis;
        return RESOLVERS.computeIfAbsent(key, k ->
                CachingDnsResolver.of(DnsjavaResolver.create(list, Duration.ofMillis(timeoutMillis))));
    }

    public static List<String> parseServers(String servers) {
        List<String> list = new ArrayList<>();
        if (servers != null) {
            for (String s : servers.split("[,\\s]+")) {
                if (!s.isEmpty()) {
                    list.add(s);
                }
            }
        }
        return list;
    }
}

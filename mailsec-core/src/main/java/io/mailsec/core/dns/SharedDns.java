package io.mailsec.core.dns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One caching resolver per (servers, timeout) inside a James process, so that every mailsec stage
 * (SPF, DKIM, DMARC, TLS delivery) shares one DNS cache, and one place to configure DNS: a stage's
 * {@code dnsServers} parameter when given, else the {@code <server>} entries of James's own
 * {@code conf/dnsservice.xml}, else the system resolvers.
 */
public final class SharedDns {
    private static final Logger LOG = LoggerFactory.getLogger(SharedDns.class);
    private static final Pattern SERVER = Pattern.compile("<server>\\s*([^<\\s]+)\\s*</server>");
    private static final Map<String, DnsResolver> RESOLVERS = new ConcurrentHashMap<>();

    private SharedDns() {
    }

    /**
     * @param servers comma/space-separated "host[:port]" list; empty or null = James's dnsservice.xml
     *                servers, or the system resolvers when it names none
     * @param timeoutMillis per-query timeout
     */
    public static DnsResolver forServers(String servers, long timeoutMillis) {
        List<String> list = configuredServers(servers);
        String key = String.join(",", list) + "|" + timeoutMillis;
        return RESOLVERS.computeIfAbsent(key, k ->
                CachingDnsResolver.of(DnsjavaResolver.create(list, Duration.ofMillis(timeoutMillis))));
    }

    /** The servers a stage uses: the parameter's, else dnsservice.xml's, else empty (system resolvers). */
    public static List<String> configuredServers(String param) {
        List<String> list = parseServers(param);
        return list.isEmpty() ? jamesDnsServers(Path.of("conf", "dnsservice.xml")) : list;
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

    /** The {@code <server>} entries of a James dnsservice.xml (relative to James's working directory). */
    static List<String> jamesDnsServers(Path dnsserviceXml) {
        List<String> out = new ArrayList<>();
        if (!Files.isReadable(dnsserviceXml)) {
            return out;
        }
        try {
            Matcher m = SERVER.matcher(Files.readString(dnsserviceXml));
            while (m.find()) {
                out.add(m.group(1));
            }
        } catch (IOException e) {
            LOG.warn("event=dnsservice-unreadable file={} error=\"{}\"", dnsserviceXml.toAbsolutePath(), e.getMessage());
        }
        return out;
    }
}

package io.mailsec.core.dns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.w3c.dom.Document;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailsec.core.config.XmlFiles;
import io.mailsec.core.james.JamesPaths;

/**
 * One caching resolver per (servers, timeout) inside a James process, so that every mailsec stage
 * (SPF, DKIM, DMARC, TLS delivery) shares one DNS cache, and one place to configure DNS: a stage's
 * {@code dnsServers} parameter when given, else the {@code <server>} entries of James's own
 * {@code conf/dnsservice.xml}, else the system resolvers.
 */
public final class SharedDns {
    private static final Logger LOG = LoggerFactory.getLogger(SharedDns.class);
    private static final String DNSSERVICE_XML = "conf/dnsservice.xml";
    private static final java.util.Set<String> LOGGED = ConcurrentHashMap.newKeySet();
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

    /** The "servers|timeoutMillis" keys of the resolvers made so far (one per distinct pair; for diagnostics and tests). */
    public static java.util.Set<String> keys() {
        return java.util.Set.copyOf(RESOLVERS.keySet());
    }

    /**
     * The servers a stage uses: the parameter's, else those of James's {@code conf/dnsservice.xml}
     * (in James's working directory, whatever the current directory), else empty (system resolvers).
     */
    public static List<String> configuredServers(String param) {
        List<String> list = parseServers(param);
        return list.isEmpty() ? jamesDnsServers(JamesPaths.resolve(DNSSERVICE_XML)) : list;
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

    /**
     * The {@code <server>} entries under {@code <servers>} of a James dnsservice.xml, read as XML
     * (commented-out entries are not servers); none when the file is missing or unreadable.
     */
    static List<String> jamesDnsServers(Path dnsserviceXml) {
        List<String> out = new ArrayList<>();
        if (!Files.isReadable(dnsserviceXml)) {
            return out;
        }
        try {
            Document doc = XmlFiles.parse(dnsserviceXml);
            NodeList servers = doc.getElementsByTagName("server");
            for (int i = 0; i < servers.getLength(); i++) {
                Node n = servers.item(i);
                String v = n.getTextContent().trim();
                if (!v.isEmpty() && n.getParentNode() != null && "servers".equals(n.getParentNode().getNodeName())) {
                    out.add(v);
                }
            }
        } catch (IOException | SAXException e) {
            LOG.warn("event=dnsservice-unreadable file={} error=\"{}\" (using the system resolvers)", dnsserviceXml, e.getMessage());
            return new ArrayList<>();
        }
        if (LOGGED.add(dnsserviceXml.toString())) {
            LOG.info("event=dnsservice file={} servers={}", dnsserviceXml, out.isEmpty() ? "(system resolvers)" : String.join(",", out));
        }
        return out;
    }
}

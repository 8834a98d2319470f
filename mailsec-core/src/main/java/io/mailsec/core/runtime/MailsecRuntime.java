package io.mailsec.core.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.inject.Provider;

import com.google.inject.ProvidedBy;

import io.mailsec.core.dns.CachingDnsResolver;
import io.mailsec.core.dns.DnsResolver;
import io.mailsec.core.dns.DnsjavaResolver;

/**
 * What mailsec's stages share inside one James: the DNS resolvers with their cache (one per server
 * list and timeout, so SPF, DKIM, DMARC and TLS delivery look up through the same cache), and one
 * instance per key of whatever a module keeps for all its stages (a policy file's store, the
 * tracking log, parsed DKIM key records).
 *
 * <p>Inside James the one instance comes from {@code io.mailsec.core.james.MailsecModule}
 * (extensions.properties), with James's own DNS servers from dnsservice.xml; mailets and hooks get it
 * by {@code @Inject}. Outside James (the CLI, tests) {@link #standalone()} is the same object with no
 * James DNS configuration (the system resolvers unless a stage names its servers).
 */
@ProvidedBy(MailsecRuntime.ModuleMissing.class)
public final class MailsecRuntime {
    private static final MailsecRuntime STANDALONE = new MailsecRuntime(List.of());

    private final List<String> jamesDnsServers;
    private final String serverName;
    private final Map<String, DnsResolver> resolvers = new ConcurrentHashMap<>();
    private final Map<List<Object>, Object> shared = new ConcurrentHashMap<>();

    /**
     * What Guice falls back on when James's extensions.properties does not name MailsecModule: a
     * start failure that says what to add, instead of Guice's "no injectable constructor".
     */
    public static final class ModuleMissing implements Provider<MailsecRuntime> {
        public static final String MESSAGE = "mailsec's runtime is not configured: add"
                + " guice.extension.module=io.mailsec.core.james.MailsecModule to conf/extensions.properties";

        @Override
        public MailsecRuntime get() {
            throw new IllegalStateException(MESSAGE);
        }
    }

    /** A factory that may fail with the caller's exception type (a policy file that does not parse). */
    @FunctionalInterface
    public interface Factory<T, E extends Exception> {
        T create() throws E;
    }

    /** @param jamesDnsServers the servers of James's dnsservice.xml, "host[:port]" each; empty = system resolvers */
    public MailsecRuntime(List<String> jamesDnsServers) {
        this(jamesDnsServers, null);
    }

    /** @param serverName the name James's smtpserver.xml gives the server ({@code helloName autodetect="false"}), or null */
    public MailsecRuntime(List<String> jamesDnsServers, String serverName) {
        this.jamesDnsServers = List.copyOf(jamesDnsServers);
        this.serverName = serverName == null || serverName.isBlank() ? null : serverName.trim();
    }

    /** The host name James's own configuration gives this server, when it gives one. */
    public java.util.Optional<String> serverName() {
        return java.util.Optional.ofNullable(serverName);
    }

    /** The runtime of code running outside James: the CLI, tests, embedding. */
    public static MailsecRuntime standalone() {
        return STANDALONE;
    }

    /** The servers a stage uses: those its {@code dnsServers} parameter lists, else James's. */
    public List<String> dnsServers(String param) {
        List<String> list = parseServers(param);
        return list.isEmpty() ? jamesDnsServers : list;
    }

    /** The caching resolver for these servers (see {@link #dnsServers}) and per-query timeout. */
    public DnsResolver dns(String servers, Duration timeout) {
        List<String> list = dnsServers(servers);
        String key = String.join(",", list) + "|" + timeout.toMillis();
        return resolvers.computeIfAbsent(key, k -> CachingDnsResolver.of(DnsjavaResolver.create(list, timeout)));
    }

    /** The "servers|timeoutMillis" keys of the resolvers made so far (diagnostics and tests). */
    public Set<String> dnsKeys() {
        return Set.copyOf(resolvers.keySet());
    }

    /**
     * The one {@code type} instance for {@code key}, made by {@code factory} the first time. A failed
     * factory leaves nothing behind, so the next stage that asks tries again and reports its own error.
     */
    public <T, E extends Exception> T shared(Class<T> type, Object key, Factory<T, E> factory) throws E {
        List<Object> k = List.of(type, key);
        Object existing = shared.get(k);
        if (existing == null) {
            synchronized (shared) {
                existing = shared.get(k);
                if (existing == null) {
                    existing = factory.create();
                    shared.put(k, existing);
                }
            }
        }
        return type.cast(existing);
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

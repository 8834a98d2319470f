package io.mailsec.core.config;

import java.time.Duration;
import java.util.Set;

import io.mailsec.core.dns.DnsResolver;
import io.mailsec.core.runtime.MailsecRuntime;

/**
 * {@code dnsServers} and {@code dnsTimeout}, read the same way by every stage that resolves: the
 * servers default to James's own (dnsservice.xml, through the runtime), the timeout is a duration
 * (default 5s, a bare number is milliseconds, at least 100ms), and stages with the same two values
 * share one resolver and cache.
 */
public final class DnsParameters {
    public static final Set<String> NAMES = Set.of("dnsServers", "dnsTimeout");
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private DnsParameters() {
    }

    public static <E extends Exception> Duration timeout(Parameters<E> p) throws E {
        return p.duration("dnsTimeout", DEFAULT_TIMEOUT, Duration.ofMillis(100));
    }

    /** The shared caching resolver these parameters name. */
    public static <E extends Exception> DnsResolver resolver(Parameters<E> p, MailsecRuntime runtime) throws E {
        Duration timeout = timeout(p);
        String servers = p.string("dnsServers", "");
        try {
            return runtime.dns(servers, timeout);
        } catch (RuntimeException e) {
            throw p.bad("dnsServers", servers, "host[:port] entries separated by commas (" + e.getMessage() + ")");
        }
    }
}

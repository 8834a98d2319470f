package io.mailsec.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.mailsec.core.dns.CachingDnsResolver;
import io.mailsec.core.dns.DnsResolver;

class MailsecRuntimeTest {
    @Test
    void aStageWithoutServersUsesJamesServers() {
        MailsecRuntime runtime = new MailsecRuntime(List.of("127.0.6.53", "10.0.0.1"));
        assertThat(runtime.dnsServers("")).containsExactly("127.0.6.53", "10.0.0.1");
        assertThat(runtime.dnsServers("127.0.0.53, 127.0.0.54:5353")).containsExactly("127.0.0.53", "127.0.0.54:5353");
        assertThat(MailsecRuntime.standalone().dnsServers(null)).as("outside James: system resolvers").isEmpty();
    }

    @Test
    void sameServersAndTimeoutShareOneCachingResolver() {
        MailsecRuntime runtime = new MailsecRuntime(List.of("127.0.0.77"));
        DnsResolver a = runtime.dns("127.0.0.77", Duration.ofSeconds(1));
        assertThat(runtime.dns("", Duration.ofMillis(1000))).isSameAs(a).isInstanceOf(CachingDnsResolver.class);
        assertThat(runtime.dns("127.0.0.77", Duration.ofSeconds(2))).isNotSameAs(a);
        assertThat(new MailsecRuntime(List.of()).dns("127.0.0.77", Duration.ofSeconds(1))).as("one cache per runtime").isNotSameAs(a);
        assertThat(runtime.dnsKeys()).containsExactlyInAnyOrder("127.0.0.77|1000", "127.0.0.77|2000");
    }

    @Test
    void sharedMakesOneInstancePerKeyAndRetriesAfterAFailure() throws IOException {
        MailsecRuntime runtime = new MailsecRuntime(List.of());
        AtomicInteger made = new AtomicInteger();
        StringBuilder a = runtime.shared(StringBuilder.class, "a", () -> new StringBuilder("" + made.incrementAndGet()));
        assertThat(runtime.shared(StringBuilder.class, "a", () -> new StringBuilder("x"))).isSameAs(a);
        assertThat(runtime.shared(StringBuilder.class, "b", () -> new StringBuilder("b"))).isNotSameAs(a);
        assertThat(made).hasValue(1);
        assertThatThrownBy(() -> runtime.shared(StringBuilder.class, "c", () -> {
            throw new IOException("unreadable");
        })).hasMessage("unreadable");
        assertThat(runtime.shared(StringBuilder.class, "c", () -> new StringBuilder("c"))).hasToString("c");
    }
}

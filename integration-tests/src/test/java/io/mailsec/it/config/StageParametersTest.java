package io.mailsec.it.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.mailet.Mailet;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.mailsec.av.james.Quarantine;
import io.mailsec.av.james.VirusScan;
import io.mailsec.av.james.VirusWarning;
import io.mailsec.core.james.MailsecStamp;
import io.mailsec.core.james.RequireAuthHook;
import io.mailsec.core.james.TlsRequiredForAuthHook;
import io.mailsec.core.james.ToFolder;
import io.mailsec.core.runtime.MailsecRuntime;
import io.mailsec.dkim.james.DkimSign;
import io.mailsec.dkim.james.DkimVerify;
import io.mailsec.dmarc.james.DmarcCheck;
import io.mailsec.dmarc.james.MailAuthCheck;
import io.mailsec.spf.james.SpfCheck;
import io.mailsec.spf.james.SpfMailHook;
import io.mailsec.tls.james.InboundTlsPolicyHook;
import io.mailsec.tls.james.TlsPolicyDelivery;
import io.mailsec.tls.james.TlsReceivedHook;

/**
 * Issue 16, one configuration model: every mailsec mailet and SMTP hook refuses a misspelt parameter
 * naming it and the known ones, and every stage that resolves reads {@code dnsTimeout} the same way
 * ({@code 5s} and the bare number {@code 5000}, milliseconds, are one setting: one shared resolver).
 * The misspelling failing James's start is proven in {@code ParameterTyposIT}.
 */
class StageParametersTest {
    static Mailet delivery() {
        return new TlsPolicyDelivery(io.mailsec.core.runtime.MailsecRuntime.standalone(),
                new org.apache.james.queue.memory.MemoryMailQueueFactory(new org.apache.james.queue.api.RawMailQueueItemDecoratorFactory()));
    }

    static Stream<Arguments> mailets() {
        return Stream.<Supplier<Mailet>>of(DkimSign::new, DkimVerify::new, SpfCheck::new, DmarcCheck::new, MailAuthCheck::new,
                StageParametersTest::delivery, VirusScan::new, VirusWarning::new, () -> new Quarantine(null), () -> new ToFolder(null),
                MailsecStamp::new).map(s -> Arguments.of(s.get().getClass().getSimpleName(), s));
    }

    static Stream<Arguments> hooks() {
        return Stream.<Supplier<ProtocolHandler>>of(SpfMailHook::new, InboundTlsPolicyHook::new, TlsReceivedHook::new,
                RequireAuthHook::new, TlsRequiredForAuthHook::new).map(s -> Arguments.of(s.get().getClass().getSimpleName(), s));
    }

    static FakeMailetConfig config(String name, Map<String, String> params) {
        FakeMailetConfig.Builder b = FakeMailetConfig.builder().mailetName(name).mailetContext(FakeMailContext.defaultContext());
        params.forEach(b::setProperty);
        return b.build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mailets")
    void misspeltMailetParameterFailsInitNamingIt(String name, Supplier<Mailet> mailet) {
        assertThatThrownBy(() -> mailet.get().init(config(name, Map.of("dnsTimout", "5s"))))
                .hasMessageContaining(name).hasMessageContaining("unknown parameter dnsTimout").hasMessageContaining("known parameters");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hooks")
    void misspeltHookParameterFailsInitNamingIt(String name, Supplier<ProtocolHandler> hook) {
        BaseHierarchicalConfiguration c = new BaseHierarchicalConfiguration();
        c.addProperty("[@class]", "io.mailsec.X");
        c.addProperty("dnsTimout", "5s");
        assertThatThrownBy(() -> hook.get().init(c)).hasMessageContaining(name).hasMessageContaining("unknown parameter dnsTimout");
    }

    static Stream<Arguments> resolvingMailets() throws Exception {
        Path policy = Files.writeString(Files.createTempFile("mailsec-policy", ".policy"), "[outbound]\ndefault may\n");
        return Stream.of(
                Arguments.of("DkimVerify", (Supplier<Mailet>) DkimVerify::new, Map.of()),
                Arguments.of("SpfCheck", (Supplier<Mailet>) SpfCheck::new, Map.of()),
                Arguments.of("DmarcCheck", (Supplier<Mailet>) DmarcCheck::new, Map.of()),
                Arguments.of("MailAuthCheck", (Supplier<Mailet>) MailAuthCheck::new, Map.of()),
                Arguments.of("TlsPolicyDelivery", (Supplier<Mailet>) StageParametersTest::delivery,
                        Map.of("policyFile", policy.toString(), "heloName", "mx.stage.test")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("resolvingMailets")
    void dnsTimeoutWithUnitAndBareMillisecondsAreOneSetting(String name, Supplier<Mailet> mailet, Map<String, String> extra)
            throws Exception {
        String servers = "127.0.9." + (1 + Math.abs(name.hashCode() % 250));
        for (String timeout : List.of("5s", "5000")) {
            Map<String, String> params = new java.util.HashMap<>(extra);
            params.put("dnsServers", servers);
            params.put("dnsTimeout", timeout);
            mailet.get().init(config(name, params));
        }
        assertThat(MailsecRuntime.standalone().dnsKeys()).filteredOn(k -> k.startsWith(servers + "|")).containsExactly(servers + "|5000");
        Map<String, String> bad = new java.util.HashMap<>(extra);
        bad.put("dnsTimeout", "5 sec onds");
        assertThatThrownBy(() -> mailet.get().init(config(name, bad)))
                .hasMessageContaining("dnsTimeout='5 sec onds'").hasMessageContaining("bare number is milliseconds");
    }

    @org.junit.jupiter.api.Test
    void spfHookReadsDnsTimeoutTheSameWay() throws Exception {
        for (String timeout : List.of("5s", "5000")) {
            BaseHierarchicalConfiguration c = new BaseHierarchicalConfiguration();
            c.addProperty("dnsServers", "127.0.9.251");
            c.addProperty("dnsTimeout", timeout);
            new SpfMailHook().init(c);
        }
        assertThat(MailsecRuntime.standalone().dnsKeys()).filteredOn(k -> k.startsWith("127.0.9.251|")).containsExactly("127.0.9.251|5000");
    }
}

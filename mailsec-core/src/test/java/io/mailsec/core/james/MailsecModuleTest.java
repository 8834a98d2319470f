package io.mailsec.core.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.james.server.core.configuration.FileConfigurationProvider;
import org.junit.jupiter.api.Test;

import com.google.inject.Guice;
import com.google.inject.Injector;

import io.mailsec.core.runtime.MailsecRuntime;

/** The module as James uses it: a child injector of one that binds James's ConfigurationProvider. */
class MailsecModuleTest {
    @Test
    void oneRuntimeWithJamesDnsServersFromItsConfigurationObject() {
        String xml = "<dnsservice><servers><server>127.0.6.53</server><!-- <server>10.9.9.9</server> -->"
                + "<server>10.0.0.1</server></servers><autodiscover>false</autodiscover></dnsservice>";
        ConfigurationProvider james = (component, level) -> {
            assertThat(component).isEqualTo("dnsservice");
            return FileConfigurationProvider.getConfig(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        };
        Injector parent = Guice.createInjector(binder -> binder.bind(ConfigurationProvider.class).toInstance(james));
        Injector extensions = parent.createChildInjector(new MailsecModule());
        MailsecRuntime runtime = extensions.getInstance(MailsecRuntime.class);
        assertThat(extensions.getInstance(MailsecRuntime.class)).isSameAs(runtime);
        assertThat(runtime.dnsServers("")).containsExactly("127.0.6.53", "10.0.0.1");
    }
}

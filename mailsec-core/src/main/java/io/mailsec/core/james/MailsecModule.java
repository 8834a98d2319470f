package io.mailsec.core.james;

import java.util.List;

import javax.inject.Singleton;

import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;

import io.mailsec.core.runtime.MailsecRuntime;

/**
 * The Guice module James loads from {@code conf/extensions.properties}
 * ({@code guice.extension.module=io.mailsec.core.james.MailsecModule}): one {@link MailsecRuntime} for
 * every mailsec mailet, matcher and SMTP hook of the server, with the DNS servers James itself
 * uses, read from James's configuration object for {@code dnsservice} (so whatever configuration
 * source James was started with applies, not a file path of ours).
 */
public class MailsecModule extends AbstractModule {
    private static final Logger LOG = LoggerFactory.getLogger(MailsecModule.class);

    @Provides
    @Singleton
    MailsecRuntime runtime(ConfigurationProvider configuration) throws ConfigurationException {
        List<String> servers = List.of(configuration.getConfiguration("dnsservice").getStringArray("servers.server"));
        LOG.info("event=mailsec-runtime workingDirectory={} dnsServers={}", JamesPaths.workingDirectory(),
                servers.isEmpty() ? "(system resolvers)" : String.join(",", servers));
        return new MailsecRuntime(servers);
    }
}

package io.mailsec.core.james;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.inject.Singleton;

import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.server.core.configuration.Configuration;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;

import io.mailsec.core.conf.ConfCheck;
import io.mailsec.core.conf.Finding;
import io.mailsec.core.runtime.MailsecRuntime;

/**
 * The Guice module James loads from {@code conf/extensions.properties}
 * ({@code guice.extension.module=io.mailsec.core.james.MailsecModule}): one {@link MailsecRuntime} for
 * every mailsec mailet, matcher and SMTP hook of the server, with the DNS servers James itself
 * uses, read from James's configuration object for {@code dnsservice} (so whatever configuration
 * source James was started with applies, not a file path of ours).
 *
 * <p>When it builds the runtime (as James loads the first mailsec stage) it also runs the checks of
 * {@code mailsec conf check} that need no DNS on James's configuration directory, one WARN line per
 * problem, so an administrator who never ran the command still reads what is wrong.
 */
public class MailsecModule extends AbstractModule {
    private static final Logger LOG = LoggerFactory.getLogger(MailsecModule.class);
    private static final String FILE = "file://";

    @Provides
    @Singleton
    MailsecRuntime runtime(ConfigurationProvider configuration, Configuration james) throws ConfigurationException {
        List<String> servers = List.of(configuration.getConfiguration("dnsservice").getStringArray("servers.server"));
        Path workingDirectory = Path.of(james.directories().getRootDirectory()).toAbsolutePath().normalize();
        String serverName = helloName(configuration);
        LOG.info("event=mailsec-runtime workingDirectory={} dnsServers={} serverName={}", workingDirectory,
                servers.isEmpty() ? "(system resolvers)" : String.join(",", servers), serverName == null ? "(none configured)" : serverName);
        checkConfiguration(workingDirectory, james.configurationPath().asString());
        return new MailsecRuntime(servers, serverName);
    }

    /** The first explicit {@code <helloName autodetect="false">} of smtpserver.xml: the name the administrator gave the server. */
    static String helloName(ConfigurationProvider configuration) {
        try {
            for (var server : configuration.getConfiguration("smtpserver").configurationsAt("smtpserver")) {
                String name = server.getString("helloName", "").trim();
                if (!name.isEmpty() && !server.getBoolean("helloName[@autodetect]", true)) {
                    return name;
                }
            }
        } catch (ConfigurationException | RuntimeException e) {
            LOG.warn("event=mailsec-runtime serverName=unknown error=\"smtpserver.xml: {}\"", e.toString());
        }
        return null;
    }

    static void checkConfiguration(Path workingDirectory, String configurationPath) {
        if (!configurationPath.startsWith(FILE)) {
            LOG.info("event=conf-check skipped=\"configuration from {} (not a directory)\"", configurationPath);
            return;
        }
        Path conf = JamesPaths.resolve(workingDirectory, configurationPath);
        if (!Files.isDirectory(conf)) {
            return;
        }
        try {
            List<Finding> findings = new ConfCheck(conf, null).run();
            for (Finding f : findings) {
                LOG.warn("event=conf-check check={} file={} problem=\"{}\"", f.check(), f.file(), f.message());
            }
            LOG.info("event=conf-check conf={} problems={} (DNS checks: mailsec conf check --dns)", conf, findings.size());
        } catch (IOException | RuntimeException e) {
            LOG.warn("event=conf-check conf={} error=\"{}\"", conf, e.toString());
        }
    }
}

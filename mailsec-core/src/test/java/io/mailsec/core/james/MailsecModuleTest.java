package io.mailsec.core.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.apache.james.server.core.configuration.Configuration;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.james.server.core.configuration.FileConfigurationProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.inject.Guice;
import com.google.inject.Injector;

import io.mailsec.core.runtime.MailsecRuntime;

/** The module as James uses it: a child injector of one that binds James's ConfigurationProvider. */
class MailsecModuleTest {
    @Test
    void oneRuntimeWithJamesDnsServersFromItsConfigurationObject(@TempDir Path dir) {
        String xml = "<dnsservice><servers><server>127.0.6.53</server><!-- <server>10.9.9.9</server> -->"
                + "<server>10.0.0.1</server></servers><autodiscover>false</autodiscover></dnsservice>";
        String smtp = "<smtpservers><smtpserver><helloName autodetect=\"true\">ignored</helloName></smtpserver>"
                + "<smtpserver><helloName autodetect=\"false\">mx.example.test</helloName></smtpserver></smtpservers>";
        ConfigurationProvider james = (component, level) -> {
            assertThat(component).isIn("dnsservice", "smtpserver");
            return FileConfigurationProvider.getConfig(new ByteArrayInputStream((component.equals("dnsservice") ? xml : smtp)
                    .getBytes(StandardCharsets.UTF_8)));
        };
        Configuration layout = Configuration.builder().workingDirectory(dir.toFile()).build();
        Injector parent = Guice.createInjector(binder -> {
            binder.bind(ConfigurationProvider.class).toInstance(james);
            binder.bind(Configuration.class).toInstance(layout);
        });
        Injector extensions = parent.createChildInjector(new MailsecModule());
        MailsecRuntime runtime = extensions.getInstance(MailsecRuntime.class);
        assertThat(extensions.getInstance(MailsecRuntime.class)).isSameAs(runtime);
        assertThat(runtime.dnsServers("")).containsExactly("127.0.6.53", "10.0.0.1");
        assertThat(runtime.serverName()).as("the first helloName the administrator set (autodetect=false)").contains("mx.example.test");
    }

    /** At start the module runs the checks that need no DNS: each problem a WARN line naming the check. */
    @Test
    void startupChecksWarnOnceEachProblem(@TempDir Path dir) throws Exception {
        Path conf = java.nio.file.Files.createDirectories(dir.resolve("conf"));
        java.nio.file.Files.writeString(conf.resolve("mailetcontainer.xml"), "<mailetcontainer><processors>"
                + "<processor state=\"root\"><mailet match=\"All\" class=\"ToProcessor\"><processor>nowhere</processor></mailet>"
                + "</processor></processors></mailetcontainer>");
        java.nio.file.Files.writeString(conf.resolve("smtpserver.xml"), "<smtpservers/>");
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(MailsecModule.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines = new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        log.addAppender(lines);
        try {
            MailsecModule.checkConfiguration(dir, "file://conf/");
        } finally {
            log.detachAppender(lines);
        }
        assertThat(lines.list).filteredOn(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                .extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .anySatisfy(m -> assertThat(m).contains("event=conf-check check=processor").contains("'nowhere'"));
        assertThat(lines.list).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .anySatisfy(m -> assertThat(m).contains("event=conf-check conf=" + conf).contains("problems="));
    }
}

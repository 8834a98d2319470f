package io.mailsec.it.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;

import org.junit.jupiter.api.Test;

import io.mailsec.it.JamesProcess;
import io.mailsec.it.ShippedConf;

/**
 * Issue 16: a misspelt parameter is not silently ignored: a real James 3.8.1 with the shipped
 * configuration and one typo refuses to start, and what it prints names the parameter.
 */
class ParameterTyposIT {
    @Test
    void misspeltMailetParameterStopsJamesNamingIt() throws Exception {
        var overlay = ShippedConf.in(Files.createTempDirectory("mailsec-typo-mailet"))
                .edit("mailetcontainer.xml", "<receivedSpf>false</receivedSpf>", "<receivedSpf>false</receivedSpf>\n<dnsTimout>5s</dnsTimout>")
                .dir();
        assertThatThrownBy(() -> JamesProcess.builder("typo-mailet").overlay(overlay).start().close())
                .hasMessageContaining("unknown parameter dnsTimout").hasMessageContaining("dnsTimeout");
    }

    @Test
    void misspeltHookParameterStopsJamesNamingIt() throws Exception {
        var overlay = ShippedConf.in(Files.createTempDirectory("mailsec-typo-hook"))
                .edit("smtpserver.xml", "<checkInterval>5s</checkInterval>", "<checkIntervall>5s</checkIntervall>")
                .dir();
        assertThatThrownBy(() -> JamesProcess.builder("typo-hook").overlay(overlay).start().close())
                .hasMessageContaining("InboundTlsPolicyHook").hasMessageContaining("unknown parameter checkIntervall");
    }

    /** Issue 16: without mailsec's Guice module James cannot build the stages, and says which binding is missing. */
    @Test
    void missingRuntimeModuleStopsJamesNamingIt() throws Exception {
        var overlay = ShippedConf.in(Files.createTempDirectory("mailsec-no-module"))
                .edit("extensions.properties", "guice.extension.module=io.mailsec.core.james.MailsecModule", "guice.extension.module=")
                .dir();
        assertThatThrownBy(() -> JamesProcess.builder("no-module").overlay(overlay).start().close())
                .hasMessageContaining("add guice.extension.module=io.mailsec.core.james.MailsecModule to conf/extensions.properties");
    }
}

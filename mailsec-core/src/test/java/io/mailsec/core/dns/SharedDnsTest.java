package io.mailsec.core.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SharedDnsTest {

    @Test
    void explicitServersWin() {
        assertThat(SharedDns.configuredServers("127.0.0.53, 127.0.0.54:5353")).containsExactly("127.0.0.53", "127.0.0.54:5353");
    }

    @Test
    void jamesDnsserviceXmlServersAreTheFallback(@TempDir Path dir) throws Exception {
        Path xml = dir.resolve("dnsservice.xml");
        Files.writeString(xml, "<dnsservice><servers><server>127.0.6.53</server>\n<server> 10.0.0.1 </server></servers>"
                + "<autodiscover>false</autodiscover></dnsservice>");
        assertThat(SharedDns.jamesDnsServers(xml)).containsExactly("127.0.6.53", "10.0.0.1");
        assertThat(SharedDns.jamesDnsServers(dir.resolve("missing.xml"))).isEmpty();
    }

    @Test
    void commentedOutServersAreNotServers(@TempDir Path dir) throws Exception {
        Path xml = dir.resolve("dnsservice.xml");
        Files.writeString(xml, "<?xml version=\"1.0\"?>\n<dnsservice><servers><!-- <server>8.8.8.8</server> -->"
                + "<server>127.0.6.53</server></servers></dnsservice>");
        assertThat(SharedDns.jamesDnsServers(xml)).containsExactly("127.0.6.53");
        Files.writeString(xml, "<dnsservice><servers><server>127.0.6.53</server>");
        assertThat(SharedDns.jamesDnsServers(xml)).as("malformed XML: system resolvers, with a WARN line").isEmpty();
    }

    /** Issue 15: James in the official image runs in / with -Dworking.directory=/root/. */
    @Test
    void dnsserviceXmlIsReadFromJamesWorkingDirectory(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("conf"));
        Files.writeString(dir.resolve("conf/dnsservice.xml"), "<dnsservice><servers><server>127.0.6.54</server></servers></dnsservice>");
        System.setProperty("working.directory", dir.toString());
        try {
            assertThat(SharedDns.configuredServers("")).containsExactly("127.0.6.54");
        } finally {
            System.clearProperty("working.directory");
        }
    }

    @Test
    void sameServersShareOneCachingResolver() {
        DnsResolver a = SharedDns.forServers("127.0.0.77", 1000);
        assertThat(SharedDns.forServers("127.0.0.77", 1000)).isSameAs(a).isInstanceOf(CachingDnsResolver.class);
        assertThat(SharedDns.forServers("127.0.0.77", 2000)).isNotSameAs(a);
    }
}

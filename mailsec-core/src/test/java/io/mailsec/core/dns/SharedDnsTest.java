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
    void sameServersShareOneCachingResolver() {
        DnsResolver a = SharedDns.forServers("127.0.0.77", 1000);
        assertThat(SharedDns.forServers("127.0.0.77", 1000)).isSameAs(a).isInstanceOf(CachingDnsResolver.class);
        assertThat(SharedDns.forServers("127.0.0.77", 2000)).isNotSameAs(a);
    }
}

package io.mailsec.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The regex-free dotted-quad parser accepts exactly the language of {@link Ip#IP4} (RFC 7208 §4.6.4 ip4 literals). */
class IpTest {
    @Test
    void dottedQuadAcceptsExactlyWhatThePatternAccepts() {
        List<String> cases = new ArrayList<>(List.of("0.0.0.0", "255.255.255.255", "127.0.6.10", "192.0.2.1", "1.2.3.4",
                "256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.04", "1..3.4", ".1.2.3", "1.2.3.", "1.2.3.4 ",
                "a.b.c.d", "1.2.3.-4", "999.1.1.1", "1000.1.1.1", "1.2.3.4a", "", "00.0.0.0", "10.0.0.255", "250.251.252.253",
                "249.1.1.1", "260.1.1.1", "+1.2.3.4", "1.2.3.4\n", "１.2.3.4"));
        Random r = new Random(7208);
        String alphabet = "0123456789.0123456789.25x";
        for (int i = 0; i < 20000; i++) {
            StringBuilder b = new StringBuilder();
            int len = 1 + r.nextInt(16);
            for (int k = 0; k < len; k++) {
                b.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            cases.add(b.toString());
        }
        int accepted = 0;
        for (String c : cases) {
            boolean pattern = Ip.IP4.matcher(c).matches();
            byte[] quad = Ip.dottedQuad(c);
            assertThat(quad != null).as(c).isEqualTo(pattern);
            if (pattern) {
                accepted++;
                assertThat(quad).as(c).isEqualTo(Ip.parseIp4(c));
            }
        }
        assertThat(accepted).isGreaterThan(10);
    }

    @Test
    void clientAddressesStillParse() {
        assertThat(Ip.parseClient("127.0.6.10").getHostAddress()).isEqualTo("127.0.6.10");
        assertThat(Ip.parseClient("[192.0.2.1]").getHostAddress()).isEqualTo("192.0.2.1");
        assertThat(Ip.parseClient("::ffff:192.0.2.1").getHostAddress()).isEqualTo("192.0.2.1");
        assertThat(Ip.parseClient("2001:db8::1").getHostAddress()).isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(NetworkList.parse("127.0.0.1/32").contains("127.0.6.10")).isFalse();
        assertThat(NetworkList.parse("127.0.0.0/8").contains("127.0.6.10")).isTrue();
        assertThat(NetworkList.parse("127.0.0.0/8").contains("127.000.6.10")).isFalse();
    }
}

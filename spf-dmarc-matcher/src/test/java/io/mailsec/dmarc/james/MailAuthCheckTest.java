package io.mailsec.dmarc.james;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.mail.Header;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.mailet.Mail;
import org.apache.mailet.Mailet;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.mailsec.core.dns.Dnsmasq;
import io.mailsec.core.peers.PeerTools;
import io.mailsec.dkim.DkimKeys;
import io.mailsec.dkim.DkimSigner;
import io.mailsec.dkim.SignSpec;
import io.mailsec.dkim.SigningKey;
import io.mailsec.dkim.james.DkimVerify;
import io.mailsec.spf.james.SpfCheck;
import io.mailsec.testutil.TestNet;

/**
 * The one-step check against the three mailets it replaces, on real signed mail and a real dnsmasq
 * (127.0.2.53): same attributes, same header, and the matchers route on its results.
 */
class MailAuthCheckTest {
    static final SigningKey KEY = DkimKeys.generate(SigningKey.Type.RSA, 2048, "test");
    static Dnsmasq dns;

    @BeforeAll
    static void startDns() throws Exception {
        dns = Dnsmasq.on(TestNet.DNS).zone("test")
                .txt("auth.test", "v=spf1 ip4:192.0.2.0/24 -all")
                .txt("mta.auth.test", "v=spf1 ip4:192.0.2.0/24 -all")
                .txt("_dmarc.auth.test", "v=DMARC1; p=reject")
                .txt("s1._domainkey.auth.test", KEY.dnsRecord())
                .start();
    }

    @AfterAll
    static void stopDns() throws Exception {
        if (dns != null) {
            dns.close();
        }
    }

    static FakeMailetConfig config(String name, String... params) {
        FakeMailetConfig.Builder c = FakeMailetConfig.builder().mailetName(name).setProperty("dnsServers", TestNet.DNS)
                .setProperty("authservId", "mx.receiver.test").setProperty("receiver", "mx.receiver.test")
                .setProperty("trustedNetworks", "");
        for (int i = 0; i < params.length; i += 2) {
            c.setProperty(params[i], params[i + 1]);
        }
        return c.build();
    }

    static org.apache.mailet.MailetConfig only(FakeMailetConfig c, java.util.Set<String> names) {
        return new io.mailsec.core.james.OverriddenMailetConfig(c, c.getMailetName(), names, Map.of());
    }

    static Mailet init(Mailet m, org.apache.mailet.MailetConfig c) throws MessagingException {
        m.init(c);
        return m;
    }

    static Mail mail(String ip, boolean sign, boolean tamper) throws Exception {
        String body = "From: Alice <alice@auth.test>\r\nTo: bob@receiver.test\r\nSubject: hello\r\n"
                + "Date: Sun, 22 Nov 2026 12:00:00 +0000\r\nMessage-ID: <1@auth.test>\r\n"
                + "Authentication-Results: mx.receiver.test; dmarc=pass header.from=forged.test\r\n\r\nHello Bob.\r\n";
        String raw = sign ? DkimSigner.sign(body.getBytes(StandardCharsets.US_ASCII),
                List.of(new SignSpec(KEY, "auth.test", "s1"))).get(0) + "\r\n" + body : body;
        if (tamper) {
            raw = raw.replace("Hello Bob.", "Hello Eve.");
        }
        MimeMessage m = new MimeMessage(Session.getInstance(new java.util.Properties()),
                new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII)));
        return FakeMail.builder().name("m").remoteAddr(ip).remoteHost("mta.auth.test")
                .sender(MaybeSender.of(new MailAddress("bounce@auth.test"))).recipient("bob@receiver.test")
                .attribute(new org.apache.mailet.Attribute(Mail.SMTP_HELO, org.apache.mailet.AttributeValue.of("mta.auth.test")))
                .mimeMessage(m).build();
    }

    /** Every attribute but the mail's own and every header line, for comparing two runs. */
    static Map<String, Object> outcome(Mail m) throws MessagingException {
        Map<String, Object> o = new TreeMap<>();
        m.attributes().forEach(a -> o.put(a.getName().asString(), a.getValue().value()));
        List<String> headers = new ArrayList<>();
        for (Header h : java.util.Collections.list(m.getMessage().getAllHeaders())) {
            headers.add(h.getName() + ": " + h.getValue());
        }
        o.put("headers", headers);
        return o;
    }

    @Test
    void doesExactlyWhatTheThreeMailetsDo() throws Exception {
        Mailet one = init(new MailAuthCheck(), config("MailAuthCheck"));
        // each mailet gets the parameters it reads, as in a configuration with three mailet elements
        List<Mailet> three = List.of(
                init(new DkimVerify(), only(config("DkimVerify", "addHeader", "false"), DkimVerify.PARAMETERS)),
                init(new SpfCheck(), only(config("SpfCheck", "addHeader", "false"), SpfCheck.PARAMETERS)),
                init(new DmarcCheck(), only(config("DmarcCheck"), DmarcCheck.PARAMETERS)));
        for (Object[] c : new Object[][] {{"192.0.2.10", true, false}, {"198.51.100.7", true, false},
                {"198.51.100.7", true, true}, {"198.51.100.7", false, false}, {"192.0.2.10", false, false}}) {
            Mail a = mail((String) c[0], (Boolean) c[1], (Boolean) c[2]);
            Mail b = mail((String) c[0], (Boolean) c[1], (Boolean) c[2]);
            one.service(a);
            for (Mailet m : three) {
                m.service(b);
            }
            assertThat(outcome(a)).as(java.util.Arrays.toString(c)).isEqualTo(outcome(b));
        }
    }

    /** Issue 14, defect 4: a signature without d= was dropped on the way to the header and showed as dkim=none. */
    @Test
    void malformedSignatureIsReportedAsPermerror() throws Exception {
        Mail m = mail("192.0.2.10", false, false);
        m.getMessage().addHeader("DKIM-Signature", "v=1; a=rsa-sha256; s=s1; h=from; bh=AAAA; b=AAAA");
        init(new MailAuthCheck(), config("MailAuthCheck")).service(m);
        String ar = javax.mail.internet.MimeUtility.unfold(m.getMessage().getHeader("Authentication-Results")[0])
                .replaceAll("\\s+", " ");
        assertThat(ar).contains("dkim=permerror").doesNotContain("dkim=none").doesNotContain("header.d=;")
                .contains("dmarc=pass"); // SPF still aligns; the broken signature changes nothing else
    }

    @Test
    void passingMailGetsOneHeaderWithAllThreeResults() throws Exception {
        Mail m = mail("192.0.2.10", true, false);
        init(new MailAuthCheck(), config("MailAuthCheck")).service(m);
        String[] ar = m.getMessage().getHeader("Authentication-Results");
        assertThat(ar).hasSize(1);
        assertThat(javax.mail.internet.MimeUtility.unfold(ar[0]).replaceAll("\\s+", " "))
                .startsWith("mx.receiver.test;")
                .contains("spf=pass smtp.mailfrom=bounce@auth.test")
                .contains("dkim=pass header.d=auth.test header.s=s1")
                .contains("dmarc=pass")
                .doesNotContain("forged.test");
        assertThat(m.getMessage().getHeader("Received-SPF")).isNull();
        assertThat(m.getAttribute(org.apache.mailet.AttributeName.of(DmarcAttributes.RESULT)).get().getValue().value()).isEqualTo("pass");
    }

    @Test
    void receivedSpfOnRequestAndForgedMailIsRoutedByTheMatcher() throws Exception {
        Mail forged = mail("198.51.100.7", false, false);
        init(new MailAuthCheck(), config("MailAuthCheck", "receivedSpf", "true")).service(forged);
        assertThat(forged.getMessage().getHeader("Received-SPF")[0]).startsWith("fail");
        DmarcDispositionIs reject = new DmarcDispositionIs();
        reject.init(FakeMatcherConfig.builder().matcherName("DmarcDispositionIs").condition("reject").build());
        assertThat(reject.match(forged)).containsExactly(new MailAddress("bob@receiver.test"));
        Mail good = mail("192.0.2.10", true, false);
        init(new MailAuthCheck(), config("MailAuthCheck")).service(good);
        assertThat(reject.match(good)).isEmpty();
    }

    @Test
    void badParametersFailInitNamingTheParameter() {
        assertThatThrownBy(() -> init(new MailAuthCheck(), config("MailAuthCheck", "receivedSpf", "sometimes")))
                .hasMessageContaining("receivedSpf");
        assertThatThrownBy(() -> init(new MailAuthCheck(), config("MailAuthCheck", "maxSignatures", "0")))
                .hasMessageContaining("maxSignatures='0'");
        assertThatThrownBy(() -> init(new MailAuthCheck(), config("MailAuthCheck", "mode", "rfc1234")))
                .hasMessageContaining("mode='rfc1234'");
        assertThatThrownBy(() -> init(new MailAuthCheck(), config("MailAuthCheck", "dnsTimeout", "-1")))
                .hasMessageContaining("dnsTimeout");
    }
}

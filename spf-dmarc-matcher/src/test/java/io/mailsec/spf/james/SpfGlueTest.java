package io.mailsec.spf.james;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.core.Username;
import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.mailsec.core.dns.Dnsmasq;
import io.mailsec.core.peers.PeerTools;
import io.mailsec.testutil.Blackhole;
import io.mailsec.testutil.TestNet;

/** SpfCheck, SpfResultIs and SpfMailHook against a real dnsmasq on 127.0.2.53. */
class SpfGlueTest {
    static Dnsmasq dns;

    @BeforeAll
    static void startDns() throws Exception {
        StringBuilder longRecord = new StringBuilder("v=spf1");
        for (int i = 1; i <= 40; i++) {
            longRecord.append(" ip4:10.0.").append(i).append(".0/24");
        }
        longRecord.append(" ip4:192.0.2.9 -all");
        dns = Dnsmasq.on(TestNet.DNS).zone("spf.test")
                .txt("pass.spf.test", "v=spf1 ip4:192.0.2.0/24 -all")
                .txt("fail.spf.test", "v=spf1 ip4:192.0.2.1 -all exp=exp.spf.test")
                .txt("exp.spf.test", "%{i} is not allowed to send for %{d}")
                .txt("soft.spf.test", "v=spf1 ~all")
                .txt("loop.spf.test", "v=spf1 include:loop.spf.test -all")
                .txt("bad.spf.test", "v=spf1 ip4:300.1.1.1 -all")
                .txt("two.spf.test", "v=spf1 -all").txt("two.spf.test", "v=spf1 +all")
                .txt("long.spf.test", longRecord.toString())
                .txt("mx.spf.test", "v=spf1 a -all").host("mx.spf.test", "192.0.2.9")
                .start();
    }

    @AfterAll
    static void stopDns() throws Exception {
        if (dns != null) {
            dns.close();
        }
    }

    static SpfCheck mailet(String... params) throws MessagingException {
        FakeMailetConfig.Builder c = FakeMailetConfig.builder().mailetName("SpfCheck")
                .setProperty("dnsServers", TestNet.DNS).setProperty("receiver", "mx.receiver.test");
        for (int i = 0; i < params.length; i += 2) {
            c.setProperty(params[i], params[i + 1]);
        }
        SpfCheck m = new SpfCheck();
        m.init(c.build());
        return m;
    }

    static FakeMail mail(String ip, String sender, String helo) throws Exception {
        FakeMail.Builder b = FakeMail.builder().name("m1").remoteAddr(ip).remoteHost("client.test")
                .recipient("rcpt@receiver.test")
                .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().addFrom("x@spf.test").setSubject("s").setText("body"));
        b.sender(sender.isEmpty() ? MaybeSender.nullSender() : MaybeSender.of(new MailAddress(sender)));
        if (helo != null) {
            b.attribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of(helo)));
        }
        return b.build();
    }

    static String attr(Mail m, String name) {
        return m.getAttribute(AttributeName.of(name)).map(a -> (String) a.getValue().value()).orElse(null);
    }

    static String header(Mail m) throws MessagingException {
        String[] h = m.getMessage().getHeader("Received-SPF");
        assertThat(h).as("one Received-SPF header").hasSize(1);
        return h[0];
    }

    @Test
    void passAddsAttributesAndReceivedSpfHeader_rfc7208_9_1() throws Exception {
        FakeMail m = mail("192.0.2.7", "alice@pass.spf.test", "mx.spf.test");
        mailet().service(m);
        assertThat(attr(m, SpfAttributes.RESULT)).isEqualTo("pass");
        assertThat(attr(m, SpfAttributes.DOMAIN)).isEqualTo("pass.spf.test");
        assertThat(attr(m, SpfAttributes.MECHANISM)).isEqualTo("ip4:192.0.2.0/24");
        assertThat(attr(m, SpfAttributes.HELO_RESULT)).isEqualTo("fail");
        assertThat(header(m)).startsWith("pass (mx.receiver.test: domain of alice@pass.spf.test designates 192.0.2.7 as permitted sender)")
                .contains("client-ip=192.0.2.7;", "envelope-from=\"alice@pass.spf.test\";", "helo=mx.spf.test;",
                        "receiver=mx.receiver.test;", "identity=mailfrom;");
    }

    @Test
    void failCarriesTheExpExplanation_rfc7208_6_2() throws Exception {
        FakeMail m = mail("192.0.2.66", "bob@fail.spf.test", "mx.spf.test");
        mailet().service(m);
        assertThat(attr(m, SpfAttributes.RESULT)).isEqualTo("fail");
        assertThat(attr(m, SpfAttributes.EXPLANATION)).isEqualTo("192.0.2.66 is not allowed to send for fail.spf.test");
        assertThat(header(m)).startsWith("fail ");
    }

    @Test
    void nullSenderChecksPostmasterAtHelo_rfc7208_2_4() throws Exception {
        FakeMail m = mail("192.0.2.9", "", "mx.spf.test");
        mailet().service(m);
        assertThat(attr(m, SpfAttributes.RESULT)).isEqualTo("pass");
        assertThat(attr(m, SpfAttributes.DOMAIN)).isEqualTo("mx.spf.test");
        assertThat(attr(m, SpfAttributes.IDENTITY)).isEqualTo("helo");
        assertThat(header(m)).contains("envelope-from=\"postmaster@mx.spf.test\"");
    }

    @Test
    void badInputGivesDefinedResults() throws Exception {
        String[][] cases = {
            {"loop.spf.test", "permerror"},     // include of itself: lookup limit
            {"bad.spf.test", "permerror"},      // malformed ip4
            {"two.spf.test", "permerror"},      // two SPF records (§4.5)
            {"nothing.spf.test", "none"},       // NXDOMAIN
            {"soft.spf.test", "softfail"},
            {"long.spf.test", "pass"},          // > 255 octets: several character-strings joined (§3.3)
        };
        SpfCheck check = mailet();
        for (String[] c : cases) {
            FakeMail m = mail("192.0.2.9", "u@" + c[0], "mx.spf.test");
            check.service(m);
            assertThat(attr(m, SpfAttributes.RESULT)).as(c[0]).isEqualTo(c[1]);
            assertThat(header(m)).as(c[0]).startsWith(c[1] + " ");
        }
    }

    @Test
    void dnsTimeoutIsTemperrorNeverNone() throws Exception {
        try (Blackhole hole = new Blackhole()) {
            SpfCheck check = mailet("dnsServers", hole.server(), "dnsTimeout", "300");
            FakeMail m = mail("192.0.2.9", "u@pass.spf.test", "mx.spf.test");
            check.service(m);
            assertThat(attr(m, SpfAttributes.RESULT)).isEqualTo("temperror");
            assertThat(header(m)).startsWith("temperror ").contains("problem=");
        }
    }

    @Test
    void trustedNetworksAndAuthenticatedSendersAreSkipped() throws Exception {
        FakeMail local = mail("127.0.0.1", "u@fail.spf.test", "localhost");
        mailet().service(local);
        assertThat(attr(local, SpfAttributes.SKIPPED)).isEqualTo("trusted-network");
        assertThat(attr(local, SpfAttributes.RESULT)).isNull();
        assertThat(local.getMessage().getHeader("Received-SPF")).isNull();

        FakeMail auth = mail("192.0.2.66", "u@fail.spf.test", "x.test");
        auth.setAttribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of("u@fail.spf.test")));
        mailet().service(auth);
        assertThat(attr(auth, SpfAttributes.SKIPPED)).isEqualTo("authenticated");

        FakeMail notSkipped = mail("127.0.0.1", "u@fail.spf.test", "localhost");
        mailet("trustedNetworks", "", "addHeader", "false").service(notSkipped);
        assertThat(attr(notSkipped, SpfAttributes.RESULT)).isEqualTo("fail");
        assertThat(notSkipped.getMessage().getHeader("Received-SPF")).isNull();
    }

    @Test
    void badParametersFailInitNamingParameterAndValue() {
        assertThatThrownBy(() -> mailet("dnsTimeout", "soon")).hasMessageContaining("dnsTimeout").hasMessageContaining("soon");
        assertThatThrownBy(() -> mailet("addHeader", "maybe")).hasMessageContaining("addHeader").hasMessageContaining("maybe");
        assertThatThrownBy(() -> mailet("trustedNetworks", "10.0.0.0/99")).hasMessageContaining("trustedNetworks")
                .hasMessageContaining("10.0.0.0/99");
        assertThatThrownBy(() -> mailet("defaultExplanation", "%{x}")).hasMessageContaining("defaultExplanation");
        assertThatThrownBy(() -> mailet("dnsServers", "127.0.2.53:notaport")).hasMessageContaining("dnsServers")
                .hasMessageContaining("127.0.2.53:notaport");
        BaseHierarchicalConfiguration c = new BaseHierarchicalConfiguration();
        c.addProperty("dnsServers", "127.0.2.53:notaport");
        assertThatThrownBy(() -> new SpfMailHook().init(c)).hasMessageContaining("dnsServers")
                .hasMessageContaining("127.0.2.53:notaport");
    }

    @Test
    void unparseableClientAddressIsPermerrorNotAnException() throws Exception {
        // e.g. a remote address some other mailet or a fetch job set; RFC 7208 §4.1 has no result for it, so permerror
        FakeMail m = mail("not-an-ip", "alice@pass.spf.test", "mx.spf.test");
        mailet().service(m);
        assertThat(attr(m, SpfAttributes.RESULT)).isEqualTo("permerror");
        assertThat(attr(m, SpfAttributes.DOMAIN)).isNull();
        assertThat(header(m)).startsWith("permerror ").contains("problem=");
    }

    @Test
    void spfResultIsMatchesListedResults() throws Exception {
        SpfResultIs matcher = new SpfResultIs();
        matcher.init(FakeMatcherConfig.builder().matcherName("SpfResultIs").condition("fail,softfail").build());
        FakeMail fail = mail("192.0.2.66", "u@fail.spf.test", "x.test");
        FakeMail pass = mail("192.0.2.7", "u@pass.spf.test", "x.test");
        FakeMail none = mail("192.0.2.7", "u@pass.spf.test", "x.test");
        SpfCheck check = mailet();
        check.service(fail);
        check.service(pass);
        assertThat(matcher.match(fail)).containsExactly(new MailAddress("rcpt@receiver.test"));
        assertThat(matcher.match(pass)).isEmpty();
        assertThat(matcher.match(none)).isEmpty();
        SpfResultIs bad = new SpfResultIs();
        assertThatThrownBy(() -> bad.init(FakeMatcherConfig.builder().matcherName("SpfResultIs").condition("fail,bogus").build()))
                .hasMessageContaining("bogus");
    }

    static SMTPSession session(String ip, boolean relaying, String helo) {
        return (SMTPSession) Proxy.newProxyInstance(SMTPSession.class.getClassLoader(), new Class<?>[] {SMTPSession.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "isRelayingAllowed":
                            return relaying;
                        case "getUsername":
                            return (Username) null;
                        case "getRemoteAddress":
                            return new InetSocketAddress(ip, 2525);
                        case "getAttachment":
                            return args[0] == SMTPSession.CURRENT_HELO_NAME ? Optional.of(helo) : Optional.empty();
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    static SpfMailHook hook(String... params) throws Exception {
        BaseHierarchicalConfiguration c = new BaseHierarchicalConfiguration();
        c.addProperty("dnsServers", TestNet.DNS);
        for (int i = 0; i < params.length; i += 2) {
            c.addProperty(params[i], params[i + 1]);
        }
        SpfMailHook h = new SpfMailHook();
        h.init(c);
        return h;
    }

    @Test
    void smtpHookRefusesSpfFailWith550_5_7_23() throws Exception {
        SpfMailHook h = hook();
        HookResult r = h.doMail(session("192.0.2.66", false, "x.test"), MaybeSender.of(new MailAddress("u@fail.spf.test")));
        assertThat(r.getResult()).isEqualTo(HookReturnCode.deny());
        assertThat(r.getSmtpRetCode()).isEqualTo("550");
        assertThat(r.getSmtpDescription()).isEqualTo("5.7.23 SPF fail: 192.0.2.66 is not allowed to send for fail.spf.test");

        assertThat(h.doMail(session("192.0.2.7", false, "x.test"), MaybeSender.of(new MailAddress("u@pass.spf.test"))))
                .isEqualTo(HookResult.DECLINED);
        assertThat(h.doMail(session("192.0.2.66", true, "x.test"), MaybeSender.of(new MailAddress("u@fail.spf.test"))))
                .as("relaying sessions are not checked").isEqualTo(HookResult.DECLINED);
        assertThat(h.doMail(session("192.0.2.66", false, "x.test"), MaybeSender.of(new MailAddress("u@soft.spf.test"))))
                .isEqualTo(HookResult.DECLINED);
    }

    @Test
    void smtpHookDefersTemperrorWhenAsked() throws Exception {
        try (Blackhole hole = new Blackhole()) {
            SpfMailHook h = new SpfMailHook();
            BaseHierarchicalConfiguration c = new BaseHierarchicalConfiguration();
            c.addProperty("dnsServers", hole.server());
            c.addProperty("dnsTimeout", "300");
            c.addProperty("deferOnTemperror", "true");
            h.init(c);
            HookResult r = h.doMail(session("192.0.2.66", false, "x.test"), MaybeSender.of(new MailAddress("u@fail.spf.test")));
            assertThat(r.getResult()).isEqualTo(HookReturnCode.denySoft());
            assertThat(r.getSmtpRetCode()).isEqualTo("451");
            assertThat(r.getSmtpDescription()).startsWith("4.4.3 ");
        }
        assertThatThrownBy(() -> hook("dnsTimeout", "-1")).hasMessageContaining("dnsTimeout").hasMessageContaining("-1");
    }

    @Test
    void messageIsKeptIntact() throws Exception {
        FakeMail m = mail("192.0.2.7", "alice@pass.spf.test", "mx.spf.test");
        mailet().service(m);
        MimeMessage msg = m.getMessage();
        assertThat(msg.getSubject()).isEqualTo("s");
        assertThat(msg.getContent()).isEqualTo("body");
    }
}

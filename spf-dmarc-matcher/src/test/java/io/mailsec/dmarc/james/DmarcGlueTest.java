package io.mailsec.dmarc.james;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeUtility;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.core.builder.MimeMessageBuilder;
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
import io.mailsec.dmarc.DmarcInput;
import io.mailsec.spf.james.SpfAttributes;
import io.mailsec.testutil.Blackhole;
import io.mailsec.testutil.TestNet;

/** DmarcCheck, DmarcResultIs and DmarcDispositionIs against a real dnsmasq on 127.0.2.53. */
class DmarcGlueTest {
    static Dnsmasq dns;

    @BeforeAll
    static void startDns() throws Exception {
        dns = Dnsmasq.on(TestNet.DNS).zone("test")
                .txt("_dmarc.reject.dmarc.test", "v=DMARC1; p=reject; rua=mailto:r@reject.dmarc.test")
                .txt("_dmarc.quar.dmarc.test", "v=DMARC1; p=quarantine")
                .txt("_dmarc.bad.dmarc.test", "v=DMARC1; p=none; reject")
                .host("reject.dmarc.test", "192.0.2.1")
                .start();
    }

    @AfterAll
    static void stopDns() throws Exception {
        if (dns != null) {
            dns.close();
        }
    }

    static DmarcCheck mailet(String... params) throws MessagingException {
        FakeMailetConfig.Builder c = FakeMailetConfig.builder().mailetName("DmarcCheck")
                .setProperty("dnsServers", TestNet.DNS).setProperty("authservId", "mx.receiver.test");
        for (int i = 0; i < params.length; i += 2) {
            c.setProperty(params[i], params[i + 1]);
        }
        DmarcCheck m = new DmarcCheck();
        m.init(c.build());
        return m;
    }

    static FakeMail mail(String from, String spfResult, String spfDomain, String... dkim) throws Exception {
        MimeMessageBuilder mb = MimeMessageBuilder.mimeMessageBuilder().setSubject("s").setText("body")
                .addHeader("Authentication-Results", "mx.receiver.test; dmarc=pass header.from=forged.test")
                .addHeader("Authentication-Results", "upstream.test; spf=pass");
        if (from != null) {
            mb.addHeader("From", from);
        }
        FakeMail.Builder b = FakeMail.builder().name("m1").remoteAddr("192.0.2.1").remoteHost("client.test")
                .sender(MaybeSender.of(new MailAddress("bounce@" + (spfDomain == null ? "x.test" : spfDomain))))
                .recipient("rcpt@receiver.test").mimeMessage(mb);
        if (spfResult != null) {
            b.attribute(new Attribute(AttributeName.of(SpfAttributes.RESULT), AttributeValue.of(spfResult)));
            b.attribute(new Attribute(AttributeName.of(SpfAttributes.DOMAIN), AttributeValue.of(spfDomain)));
        }
        if (dkim.length > 0) {
            Collection<AttributeValue<?>> list = new ArrayList<>();
            for (String d : dkim) {
                list.add(AttributeValue.of(d));
            }
            b.attribute(new Attribute(AttributeName.of(DkimResultsAttribute.NAME), AttributeValue.of(list)));
        }
        return b.build();
    }

    static String attr(Mail m, String name) {
        return m.getAttribute(AttributeName.of(name)).map(a -> (String) a.getValue().value()).orElse(null);
    }

    static List<String> ar(Mail m) throws MessagingException {
        List<String> out = new ArrayList<>();
        for (String h : m.getMessage().getHeader("Authentication-Results")) {
            out.add(MimeUtility.unfold(h).replaceAll("\\s+", " "));
        }
        return out;
    }

    @Test
    void alignedDkimPassesAndOneAuthenticationResultsHeaderIsWritten_rfc8601() throws Exception {
        FakeMail m = mail("Alice <alice@reject.dmarc.test>", "pass", "other.test",
                "reject.dmarc.test;sel;rsa-sha256;pass;good signature");
        mailet().service(m);
        assertThat(attr(m, DmarcAttributes.RESULT)).isEqualTo("pass");
        assertThat(attr(m, DmarcAttributes.POLICY)).isEqualTo("reject");
        assertThat(attr(m, DmarcAttributes.DISPOSITION)).isEqualTo("none");
        assertThat(attr(m, DmarcAttributes.FROM_DOMAIN)).isEqualTo("reject.dmarc.test");
        List<String> ar = ar(m);
        assertThat(ar).as("forged header with our authserv-id removed, foreign one kept")
                .hasSize(2).contains("upstream.test; spf=pass");
        String ours = ar.stream().filter(h -> h.startsWith("mx.receiver.test;")).findFirst().orElseThrow();
        assertThat(ours).isEqualTo("mx.receiver.test; spf=pass smtp.mailfrom=bounce@other.test;"
                + " dkim=pass header.d=reject.dmarc.test header.s=sel;"
                + " dmarc=pass header.from=reject.dmarc.test policy.dmarc=reject");
        assertThat(attr(m, DmarcAttributes.REASON)).isEqualTo("from domain record, aligned DKIM d=reject.dmarc.test");
    }

    @Test
    void unalignedMailFailsWithTheDomainPolicy() throws Exception {
        FakeMail reject = mail("alice@reject.dmarc.test", "pass", "other.test", "other.test;s;rsa-sha256;pass;ok");
        FakeMail quarantine = mail("bob@sub.quar.dmarc.test", "fail", "sub.quar.dmarc.test");
        DmarcCheck check = mailet();
        check.service(reject);
        check.service(quarantine);
        assertThat(attr(reject, DmarcAttributes.RESULT)).isEqualTo("fail");
        assertThat(attr(reject, DmarcAttributes.DISPOSITION)).isEqualTo("reject");
        assertThat(attr(quarantine, DmarcAttributes.RESULT)).isEqualTo("fail");
        assertThat(attr(quarantine, DmarcAttributes.POLICY)).isEqualTo("quarantine");
        assertThat(ar(reject)).anySatisfy(h -> assertThat(h).startsWith("mx.receiver.test;")
                .contains("dmarc=fail reason=\"from domain record, no aligned SPF or DKIM\" header.from=reject.dmarc.test"));

        DmarcResultIs failed = new DmarcResultIs();
        failed.init(FakeMatcherConfig.builder().matcherName("DmarcResultIs").condition("fail").build());
        DmarcDispositionIs rejected = new DmarcDispositionIs();
        rejected.init(FakeMatcherConfig.builder().matcherName("DmarcDispositionIs").condition("reject").build());
        DmarcDispositionIs quarantined = new DmarcDispositionIs();
        quarantined.init(FakeMatcherConfig.builder().matcherName("DmarcDispositionIs").condition("quarantine").build());
        MailAddress rcpt = new MailAddress("rcpt@receiver.test");
        assertThat(failed.match(reject)).containsExactly(rcpt);
        assertThat(rejected.match(reject)).containsExactly(rcpt);
        assertThat(quarantined.match(reject)).isEmpty();
        assertThat(quarantined.match(quarantine)).containsExactly(rcpt);
        assertThat(rejected.match(quarantine)).isEmpty();
    }

    @Test
    void alignedSpfPasses() throws Exception {
        FakeMail m = mail("alice@reject.dmarc.test", "pass", "bounces.reject.dmarc.test");
        mailet().service(m);
        assertThat(attr(m, DmarcAttributes.RESULT)).isEqualTo("pass");
        assertThat(attr(m, DmarcAttributes.REASON)).contains("aligned SPF");
        FakeMail strict = mail("alice@reject.dmarc.test", "pass", "bounces.reject.dmarc.test");
        assertThat(ar(m).get(1)).contains("dkim=none");
        mailet("mode", "rfc7489").service(strict);
        assertThat(attr(strict, DmarcAttributes.RESULT)).isEqualTo("pass");
    }

    @Test
    void fromProblemsHaveDefinedResults() throws Exception {
        Object[][] cases = {
            {null, "permerror", "no From header field"},
            {"Test User", "permerror", "Unable to extract From domain"},
            {"\"undisclosed\" <>", "permerror", "Unable to extract From domain"},
            {"a@bad.dmarc.test", "permerror", "missing tag or value"},
            {"a@nothing.dmarc.test", "none", "no DMARC record"},
        };
        DmarcCheck check = mailet();
        for (Object[] c : cases) {
            FakeMail m = mail((String) c[0], "pass", "x.test");
            check.service(m);
            assertThat(attr(m, DmarcAttributes.RESULT)).as(String.valueOf(c[0])).isEqualTo(c[1]);
            assertThat(attr(m, DmarcAttributes.DISPOSITION)).isEqualTo("none");
            assertThat(attr(m, DmarcAttributes.REASON)).contains((String) c[2]);
            assertThat(ar(m)).hasSize(2);
        }
        FakeMail twoFields = mail("a@reject.dmarc.test", "pass", "x.test");
        twoFields.getMessage().addHeader("From", "b@quar.dmarc.test");
        check.service(twoFields);
        assertThat(attr(twoFields, DmarcAttributes.RESULT)).isEqualTo("permerror");
        assertThat(attr(twoFields, DmarcAttributes.REASON)).isEqualTo("2 From header fields");
    }

    @Test
    void dnsTimeoutIsTemperror() throws Exception {
        try (Blackhole hole = new Blackhole()) {
            FakeMail m = mail("alice@reject.dmarc.test", "pass", "other.test");
            mailet("dnsServers", hole.server(), "dnsTimeout", "300").service(m);
            assertThat(attr(m, DmarcAttributes.RESULT)).isEqualTo("temperror");
            assertThat(attr(m, DmarcAttributes.DISPOSITION)).isEqualTo("none");
        }
    }

    @Test
    void skipsTrustedAndAuthenticatedAndValidatesParameters() throws Exception {
        FakeMail auth = mail("alice@reject.dmarc.test", "fail", "other.test");
        auth.setAttribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of("alice")));
        mailet().service(auth);
        assertThat(attr(auth, DmarcAttributes.SKIPPED)).isEqualTo("authenticated");
        assertThat(attr(auth, DmarcAttributes.RESULT)).isNull();
        assertThatThrownBy(() -> mailet("mode", "rfc1234")).hasMessageContaining("mode").hasMessageContaining("rfc1234");
        assertThatThrownBy(() -> mailet("authservId", "a b")).hasMessageContaining("authservId");
        assertThatThrownBy(() -> mailet("dnsServers", "127.0.2.53:notaport")).hasMessageContaining("dnsServers")
                .hasMessageContaining("127.0.2.53:notaport");
        assertThatThrownBy(() -> mailet("publicSuffixList", "/nonexistent/psl.dat")).hasMessageContaining("publicSuffixList")
                .hasMessageContaining("/nonexistent/psl.dat");
        assertThatThrownBy(() -> new DmarcResultIs().init(FakeMatcherConfig.builder().matcherName("DmarcResultIs")
                .condition("failed").build())).hasMessageContaining("failed");
        assertThatThrownBy(() -> new DmarcDispositionIs().init(FakeMatcherConfig.builder().matcherName("DmarcDispositionIs")
                .condition("").build())).hasMessageContaining("condition");
    }

    @Test
    void dkimAttributeShapes() {
        assertThat(DkimResultsAttribute.parse(AttributeValue.of("a.test;s1;ed25519-sha256;pass;ok\nb.test;s2;rsa-sha256;fail;bad")))
                .extracting(DmarcInput.Dkim::domain, DmarcInput.Dkim::result)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a.test", "pass"), org.assertj.core.groups.Tuple.tuple("b.test", "fail"));
        java.util.Map<String, AttributeValue<?>> map = java.util.Map.of("domain", AttributeValue.of("c.test"),
                "selector", AttributeValue.of("s"), "result", AttributeValue.of("PASS"));
        Collection<AttributeValue<?>> list = List.of(AttributeValue.of(map), AttributeValue.of("garbage"));
        assertThat(DkimResultsAttribute.parse(AttributeValue.of(list))).extracting(DmarcInput.Dkim::domain, DmarcInput.Dkim::result)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("c.test", "pass"));
    }

    @Test
    void dkimVerifyJsonAttribute() throws Exception {
        String json = "[{\"domain\":\"reject.dmarc.test\",\"selector\":\"brisbane\",\"algorithm\":\"ed25519-sha256\","
                + "\"result\":\"pass\",\"reason\":\"signature ok\",\"identity\":null,\"bodyLengthLimited\":false,\"testing\":false},"
                + "{\"domain\":\"other.test\",\"selector\":\"s\",\"algorithm\":\"rsa-sha256\",\"result\":\"fail\","
                + "\"reason\":\"body hash mismatch\",\"identity\":\"@other.test\",\"bodyLengthLimited\":false,\"testing\":false}]";
        assertThat(DkimResultsAttribute.parse(AttributeValue.of(json))).extracting(DmarcInput.Dkim::domain, DmarcInput.Dkim::selector,
                DmarcInput.Dkim::result).containsExactly(org.assertj.core.groups.Tuple.tuple("reject.dmarc.test", "brisbane", "pass"),
                org.assertj.core.groups.Tuple.tuple("other.test", "s", "fail"));
        FakeMail m = mail("alice@reject.dmarc.test", "fail", "other.test");
        m.setAttribute(new Attribute(AttributeName.of(DkimResultsAttribute.NAME), AttributeValue.of(json)));
        mailet().service(m);
        assertThat(attr(m, DmarcAttributes.RESULT)).isEqualTo("pass");
        assertThat(ar(m).get(1)).contains("dkim=pass header.d=reject.dmarc.test header.s=brisbane")
                .contains("dkim=fail header.d=other.test header.s=s");
        // RFC 6376 t=y: a pass from a key in testing mode does not count.
        FakeMail testing = mail("alice@reject.dmarc.test", "fail", "other.test");
        testing.setAttribute(new Attribute(AttributeName.of(DkimResultsAttribute.NAME), AttributeValue.of(json.replace(
                "\"testing\":false},", "\"testing\":true},"))));
        mailet().service(testing);
        assertThat(attr(testing, DmarcAttributes.RESULT)).isEqualTo("fail");
        assertThat(DkimResultsAttribute.parse(AttributeValue.of("[not json"))).isEmpty();
    }

    @Test
    void dkimJsonReaderSkipsWhatItDoesNotKnowAndRejectsTruncatedInput() {
        String json = "[7, \"x\", [1, {\"domain\":\"no.test\"}], {\"extra\":{\"domain\":\"nested.test\",\"result\":\"pass\"},"
                + "\"list\":[1,2], \"domain\":\"a.test\", \"selector\":null, \"result\":\"pass\", \"testing\":\"true\"},"
                + "{\"selector\":\"s\",\"result\":\"pass\"}, {\"domain\":\"b.test\",\"selector\":5,\"result\":\"fail\"}]";
        assertThat(DkimResultsAttribute.parse(AttributeValue.of(json)))
                .extracting(DmarcInput.Dkim::domain, DmarcInput.Dkim::selector, DmarcInput.Dkim::result)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a.test", null, "neutral"),
                        org.assertj.core.groups.Tuple.tuple("b.test", "5", "fail"));
        // a complete pass entry before the break must not survive: the attribute as a whole is unreadable
        assertThat(DkimResultsAttribute.parse(AttributeValue.of(
                "[{\"domain\":\"a.test\",\"selector\":\"s\",\"result\":\"pass\"}, {\"domain\":"))).isEmpty();
        assertThat(DkimResultsAttribute.parse(AttributeValue.of("{\"domain\":\"a.test\",\"result\":\"pass\"}"))).isEmpty();
    }

    @Test
    void messageBodyIsUntouched() throws Exception {
        FakeMail m = mail("alice@reject.dmarc.test", "pass", "other.test");
        mailet().service(m);
        MimeMessage msg = m.getMessage();
        assertThat(msg.getContent()).isEqualTo("body");
    }
}

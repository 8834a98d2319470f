package io.mailsec.dkim.james;

import static io.mailsec.dkim.james.MailetTestSupport.mail;
import static io.mailsec.dkim.james.MailetTestSupport.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.Test;

import io.mailsec.core.dns.FakeDns;
import io.mailsec.dkim.DkimKeys;
import io.mailsec.dkim.DkimResult;
import io.mailsec.dkim.DkimResultsJson;
import io.mailsec.dkim.DkimSigner;
import io.mailsec.dkim.SignSpec;
import io.mailsec.dkim.SigningKey;

/** DkimVerify (attribute + Authentication-Results) and the DkimResultIs matcher. */
class DkimVerifyTest {
    final SigningKey key = DkimKeys.generate(SigningKey.Type.ED25519, 0, "k");
    final FakeDns dns = new FakeDns().txt("sel._domainkey.example.com", key.dnsRecord());

    String signed(String raw) throws Exception {
        String f = DkimSigner.sign(raw.getBytes(StandardCharsets.ISO_8859_1), List.of(new SignSpec(key, "example.com", "sel"))).get(0);
        return f + "\r\n" + raw;
    }

    DkimVerify verify(String... params) throws Exception {
        DkimVerify m = new DkimVerify(dns);
        FakeMailetConfig.Builder b = FakeMailetConfig.builder().mailetName("DkimVerify").setProperty("authservId", "mx.mailsec.test");
        for (int i = 0; i < params.length; i += 2) {
            b.setProperty(params[i], params[i + 1]);
        }
        m.init(b.build());
        return m;
    }

    static String attribute(Mail mail) {
        return (String) mail.getAttribute(AttributeName.of("mailsec.dkim.results")).get().getValue().value();
    }

    @Test
    void signedMail_getsPassAttributeAndAuthenticationResultsOnTop() throws Exception {
        Mail m = mail(signed(message("example.com")));
        verify().service(m);
        List<DkimResult> r = DkimResultsJson.fromJson(attribute(m));
        assertThat(r).singleElement().satisfies(x -> {
            assertThat(x.result()).isEqualTo("pass");
            assertThat(x.domain()).isEqualTo("example.com");
            assertThat(x.selector()).isEqualTo("sel");
            assertThat(x.algorithm()).isEqualTo("ed25519-sha256");
        });
        assertThat(attribute(m)).startsWith("[{\"domain\":\"example.com\",\"selector\":\"sel\",\"algorithm\":\"ed25519-sha256\",\"result\":\"pass\",\"reason\":");
        String raw = new String(MailetTestSupport.bytes(m), StandardCharsets.ISO_8859_1);
        assertThat(raw).startsWith("Authentication-Results: mx.mailsec.test;\r\n\tdkim=pass");
        assertThat(raw).contains("header.d=example.com").contains("header.s=sel").contains("header.a=ed25519-sha256")
                .contains("header.b=");
    }

    /**
     * James's own message class: the received bytes are read as they are (no saveChanges(), so the
     * message stays unmodified), and a header edited before DKIM (TlsReceivedHook's Received
     * rewrite) is read from the edited header block.
     */
    @Test
    void jamesMessages_areVerifiedAsReceived_withoutReserialising() throws Exception {
        String raw = "Received: from peer by mx with ESMTP\r\n" + signed(message("example.com"));
        MimeMessageWrapper untouched = new MimeMessageWrapper(
                MimeMessageInputStreamSource.create("m1", new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1))));
        Mail m1 = FakeMail.builder().name("m1").mimeMessage(untouched).sender("joe@example.com").recipient("sue@example.net").build();
        verify("addHeader", "false").service(m1);
        assertThat(DkimResultsJson.fromJson(attribute(m1))).singleElement().extracting(DkimResult::result).isEqualTo("pass");
        assertThat(untouched.isModified()).as("verification must not modify or re-save the message").isFalse();

        MimeMessageWrapper edited = new MimeMessageWrapper(
                MimeMessageInputStreamSource.create("m2", new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1))));
        edited.removeHeader("Received");
        edited.addHeader("Received", "from peer by mx with ESMTPS (using TLSv1.3)");
        edited.setHeader("Subject", "changed after signing");
        Mail m2 = FakeMail.builder().name("m2").mimeMessage(edited).sender("joe@example.com").recipient("sue@example.net").build();
        verify("addHeader", "false").service(m2);
        assertThat(DkimResultsJson.fromJson(attribute(m2))).singleElement().satisfies(r -> {
            assertThat(r.result()).as("the edited Subject is what DKIM sees").isEqualTo("fail");
            assertThat(r.reason()).contains("signature");
        });
    }

    @Test
    void unsignedMail_isDkimNone_withEmptyList() throws Exception {
        Mail m = mail(message("example.com"));
        verify().service(m);
        assertThat(attribute(m)).isEqualTo("[]");
        assertThat(m.getMessage().getHeader("Authentication-Results")[0]).contains("dkim=none");
    }

    @Test
    void rfc8601_5_incomingHeadersClaimingOurId_areRemoved_othersKept() throws Exception {
        String raw = "Authentication-Results: mx.mailsec.test; dkim=pass header.d=forged.example\r\n"
                + "Authentication-Results: other.example; dkim=fail\r\n" + message("example.com");
        Mail m = mail(raw);
        verify().service(m);
        String[] ar = m.getMessage().getHeader("Authentication-Results");
        assertThat(ar).hasSize(2);
        assertThat(String.join("\n", ar)).doesNotContain("forged.example").contains("other.example; dkim=fail");
    }

    @Test
    void tamperedMail_fails_andAddHeaderFalseOnlySetsAttribute() throws Exception {
        Mail m = mail("Authentication-Results: MX.mailsec.test; dkim=pass\r\n"
                + signed(message("example.com")).replace("this is a test", "this is a fake"));
        verify("addHeader", "false").service(m);
        assertThat(DkimResultsJson.fromJson(attribute(m)).get(0).result()).isEqualTo("fail");
        assertThat(m.getMessage().getHeader("Authentication-Results")).as("forged one removed, none added").isNull();
    }

    @Test
    void badParameters_failInit() {
        assertThatThrownBy(() -> verify("maxSignatures", "0")).hasMessageContaining("maxSignatures='0'");
        assertThatThrownBy(() -> verify("addHeader", "perhaps")).hasMessageContaining("addHeader='perhaps'");
        assertThatThrownBy(() -> verify("authservId", "bad id;")).hasMessageContaining("authservId='bad id;'");
    }

    DkimResultIs matcher(String condition) throws Exception {
        DkimResultIs m = new DkimResultIs();
        m.init(FakeMatcherConfig.builder().matcherName("DkimResultIs").condition(condition).build());
        return m;
    }

    @Test
    void matcher_resultAndDomain() throws Exception {
        Mail pass = mail(signed(message("example.com")));
        verify().service(pass);
        Mail none = mail(message("example.com"));
        verify().service(none);
        Mail fail = mail(signed(message("example.com")).replace("Subject: hello", "Subject: bye"));
        verify().service(fail);

        assertThat(matcher("pass").match(pass)).isNotEmpty();
        assertThat(matcher("pass:example.com").match(pass)).isNotEmpty();
        assertThat(matcher("pass:other.example").match(pass)).isEmpty();
        assertThat(matcher("fail").match(pass)).isEmpty();
        assertThat(matcher("none").match(none)).isNotEmpty();
        assertThat(matcher("pass").match(none)).isEmpty();
        assertThat(matcher("fail").match(fail)).isNotEmpty();
        assertThat(matcher("temperror, fail").match(fail)).isNotEmpty();
        assertThat(matcher("none").match(mail(message("example.com")))).as("no attribute = none").isNotEmpty();
        assertThatThrownBy(() -> matcher("great")).hasMessageContaining("great");
    }
}

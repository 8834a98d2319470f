package io.mailsec.dkim.james;

import static io.mailsec.dkim.james.MailetTestSupport.bytes;
import static io.mailsec.dkim.james.MailetTestSupport.mail;
import static io.mailsec.dkim.james.MailetTestSupport.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import javax.mail.MessagingException;

import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailsec.core.dns.FakeDns;
import io.mailsec.dkim.DkimKeys;
import io.mailsec.dkim.DkimResult;
import io.mailsec.dkim.DkimVerifier;
import io.mailsec.dkim.SigningKey;

/** DkimSign with a key table: domains, subdomains, rotation, dual signing, reload, RFC 8301 refusal. */
class DkimSignTest {
    @TempDir
    Path dir;
    SigningKey rsa;
    SigningKey rsaNext;
    SigningKey ed;
    FakeDns dns;

    @BeforeEach
    void keys() throws Exception {
        rsa = DkimKeys.generate(SigningKey.Type.RSA, 2048, "rsa");
        rsaNext = DkimKeys.generate(SigningKey.Type.RSA, 2048, "rsaNext");
        ed = DkimKeys.generate(SigningKey.Type.ED25519, 0, "ed");
        Files.writeString(dir.resolve("rsa.pem"), DkimKeys.toPem(rsa));
        Files.writeString(dir.resolve("rsa-next.pem"), DkimKeys.toPem(rsaNext));
        Files.writeString(dir.resolve("ed.pem"), DkimKeys.toPem(ed));
        dns = new FakeDns()
                .txt("s1._domainkey.example.com", rsa.dnsRecord())
                .txt("s2._domainkey.example.com", rsaNext.dnsRecord())
                .txt("ed._domainkey.example.org", ed.dnsRecord())
                .txt("s1._domainkey.sub.example.net", rsa.dnsRecord())
                .txt("s1._domainkey.example.net", rsa.dnsRecord());
    }

    Path table(String content) throws Exception {
        Path t = dir.resolve("keytable");
        Files.writeString(t, content);
        return t;
    }

    DkimSign mailet(Path table, String reload) throws Exception {
        DkimSign m = new DkimSign();
        m.init(FakeMailetConfig.builder().mailetName("DkimSign").setProperty("keyTable", table.toString())
                .setProperty("reloadInterval", reload).build());
        return m;
    }

    List<DkimResult> verify(Mail mail) throws Exception {
        return new DkimVerifier(dns).verify(bytes(mail));
    }

    @Test
    void signsEachConfiguredDomainWithItsOwnKey_andSkipsOthers() throws Exception {
        DkimSign m = mailet(table("# test table\nexample.com selector=s1 key=rsa.pem\nexample.org selector=ed key=ed.pem\n"), "5");
        Mail a = mail(message("example.com"));
        m.service(a);
        assertThat(verify(a)).singleElement().satisfies(r -> {
            assertThat(r.result()).isEqualTo("pass");
            assertThat(r.domain()).isEqualTo("example.com");
            assertThat(r.algorithm()).isEqualTo("rsa-sha256");
        });
        Mail b = mail(message("example.org"));
        m.service(b);
        assertThat(verify(b)).singleElement().satisfies(r -> {
            assertThat(r.result()).isEqualTo("pass");
            assertThat(r.domain()).isEqualTo("example.org");
            assertThat(r.algorithm()).isEqualTo("ed25519-sha256");
        });
        Mail c = mail(message("unconfigured.example"));
        m.service(c);
        assertThat(c.getMessage().getHeader("DKIM-Signature")).isNull();
        assertThat(verify(c)).isEmpty();
    }

    @Test
    void signatureIsTheFirstHeader_relaxedRelaxed_fromOversigned_noL() throws Exception {
        DkimSign m = mailet(table("example.com selector=s1 key=rsa.pem expiry=7d\n"), "5");
        Mail a = mail(message("example.com"));
        m.service(a);
        String raw = new String(bytes(a), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(raw).startsWith("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=s1;");
        String field = raw.substring(0, raw.indexOf("\r\nFrom:"));
        assertThat(field).contains("t=").contains("x=").doesNotContain(" l=").contains("from:to:subject:date:message-id:")
                .contains("mime-version:").contains("content-type:");
        assertThat(field.replaceAll("\\s", "")).contains("content-type:from;");
    }

    @Test
    void subdomains_parentOrOwnDomain() throws Exception {
        DkimSign parent = mailet(table("example.net selector=s1 key=rsa.pem subdomains=parent\n"), "5");
        Mail a = mail(message("sub.example.net"));
        parent.service(a);
        assertThat(verify(a)).singleElement().satisfies(r -> {
            assertThat(r.result()).isEqualTo("pass");
            assertThat(r.domain()).isEqualTo("example.net");
        });
        DkimSign own = mailet(table("example.net selector=s1 key=rsa.pem subdomains=subdomain\n"), "5");
        Mail b = mail(message("sub.example.net"));
        own.service(b);
        assertThat(verify(b)).singleElement().satisfies(r -> {
            assertThat(r.result()).isEqualTo("pass");
            assertThat(r.domain()).isEqualTo("sub.example.net");
        });
        DkimSign exact = mailet(table("example.net selector=s1 key=rsa.pem\n"), "5");
        Mail c = mail(message("sub.example.net"));
        exact.service(c);
        assertThat(verify(c)).isEmpty();
    }

    @Test
    void rotation_switchesWithoutRestart_andDualSigns() throws Exception {
        Path t = table("example.com selector=s1 key=rsa.pem alternateSelector=s2 alternateKey=rsa-next.pem\n");
        DkimSign m = mailet(t, "0");
        Mail a = mail(message("example.com"));
        m.service(a);
        assertThat(verify(a)).extracting(DkimResult::selector).containsExactly("s1");

        Files.writeString(t, "example.com selector=s1 key=rsa.pem alternateSelector=s2 alternateKey=rsa-next.pem active=both\n");
        Files.setLastModifiedTime(t, FileTime.fromMillis(System.currentTimeMillis() + 2000));
        Mail b = mail(message("example.com"));
        m.service(b);
        assertThat(verify(b)).extracting(DkimResult::selector).containsExactly("s1", "s2");
        assertThat(verify(b)).allSatisfy(r -> assertThat(r.result()).isEqualTo("pass"));

        Files.writeString(t, "example.com selector=s1 key=rsa.pem alternateSelector=s2 alternateKey=rsa-next.pem active=alternate\n");
        Files.setLastModifiedTime(t, FileTime.fromMillis(System.currentTimeMillis() + 4000));
        Mail c = mail(message("example.com"));
        m.service(c);
        assertThat(verify(c)).extracting(DkimResult::selector).containsExactly("s2");

        // a broken edit is logged and the previous table stays in use: mail keeps flowing, signed
        Files.writeString(t, "example.com selector=s1 key=missing.pem\n");
        Files.setLastModifiedTime(t, FileTime.fromMillis(System.currentTimeMillis() + 6000));
        Mail d = mail(message("example.com"));
        m.service(d);
        assertThat(verify(d)).extracting(DkimResult::selector).containsExactly("s2");
    }

    @Test
    void keyFileChange_isPickedUp() throws Exception {
        Path t = table("example.com selector=s1 key=rsa.pem\n");
        DkimSign m = mailet(t, "0");
        Files.writeString(dir.resolve("rsa.pem"), DkimKeys.toPem(rsaNext));
        Files.setLastModifiedTime(dir.resolve("rsa.pem"), FileTime.fromMillis(System.currentTimeMillis() + 2000));
        Mail a = mail(message("example.com"));
        m.service(a);
        // signed with the new key under selector s1: the s1 record still has the old key -> fail
        assertThat(verify(a)).singleElement().satisfies(r -> assertThat(r.result()).isEqualTo("fail"));
    }

    @Test
    void dualAlgorithm_rsaAndEd25519() throws Exception {
        dns.txt("ed._domainkey.example.com", ed.dnsRecord());
        DkimSign m = mailet(table("example.com selector=s1 key=rsa.pem alternateSelector=ed alternateKey=ed.pem active=both\n"), "5");
        Mail a = mail(message("example.com"));
        m.service(a);
        assertThat(verify(a)).extracting(DkimResult::algorithm, DkimResult::result)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("rsa-sha256", "pass"),
                        org.assertj.core.groups.Tuple.tuple("ed25519-sha256", "pass"));
    }

    @Test
    void rfc8301_refusesRsaUnder1024Bits_namingTheFile() throws Exception {
        Path small = io.mailsec.core.testdata.Conformance.file("dkim/mailauth/private-small.pem");
        assertThatThrownBy(() -> mailet(table("example.com selector=s1 key=" + small + "\n"), "5"))
                .isInstanceOf(MessagingException.class)
                .hasMessageContaining("keyTable")
                .hasMessageContaining(small.toString())
                .hasMessageContaining("RFC 8301");
    }

    @Test
    void badParameters_failInitNamingParameterAndValue() throws Exception {
        Path t = table("example.com selector=s1 key=rsa.pem\n");
        assertThatThrownBy(() -> mailet(t, "soon")).hasMessageContaining("reloadInterval='soon'");
        assertThatThrownBy(() -> mailet(table("example.com selector=s1 key=rsa.pem active=sometimes\n"), "5"))
                .hasMessageContaining("active=sometimes");
        assertThatThrownBy(() -> mailet(table("example.com key=rsa.pem\n"), "5")).hasMessageContaining("selector");
        DkimSign m = new DkimSign();
        assertThatThrownBy(() -> m.init(FakeMailetConfig.builder().mailetName("DkimSign").build()))
                .hasMessageContaining("keyTable");
    }

    /** Issue 15: the official image runs James in / with -Dworking.directory=/root/; keyTable=conf/... must work there. */
    @Test
    void relativeKeyTableIsReadFromJamesWorkingDirectory() throws Exception {
        Files.createDirectories(dir.resolve("conf/dkim"));
        Files.writeString(dir.resolve("conf/dkim/keytable"), "example.com selector=s1 key=../../rsa.pem\n");
        System.setProperty("working.directory", dir.toString());
        try {
            DkimSign m = new DkimSign();
            m.init(FakeMailetConfig.builder().mailetName("DkimSign").setProperty("keyTable", "conf/dkim/keytable").build());
            Mail a = mail(message("example.com"));
            m.service(a);
            assertThat(verify(a)).singleElement().satisfies(r -> assertThat(r.result()).isEqualTo("pass"));
            DkimSign missing = new DkimSign();
            assertThatThrownBy(() -> missing.init(FakeMailetConfig.builder().mailetName("DkimSign")
                    .setProperty("keyTable", "conf/dkim/nothing").build()))
                    .hasMessageContaining("keyTable='conf/dkim/nothing'").hasMessageContaining(dir.resolve("conf/dkim/nothing").toString());
        } finally {
            System.clearProperty("working.directory");
        }
    }

    @Test
    void mailWithoutFrom_passesUnsigned() throws Exception {
        DkimSign m = mailet(table("example.com selector=s1 key=rsa.pem\n"), "5");
        Mail a = mail("To: sue@example.net\r\nSubject: x\r\n\r\nbody\r\n");
        m.service(a);
        assertThat(a.getMessage().getHeader("DKIM-Signature")).isNull();
    }
}

package io.mailsec.tls.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/** RFC 5321 §4.5.2 transparency, reply parsing helpers, RFC 6125 §6.4 name matching. */
class SmtpWireTest {
    private static String stuff(String in) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        SmtpClient.DotStuffingOutputStream d = new SmtpClient.DotStuffingOutputStream(b);
        d.write(in.getBytes(StandardCharsets.US_ASCII));
        d.finish();
        return b.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void dotStuffingAndLineEnds() throws Exception {
        assertThat(stuff("a\r\n.b\r\n")).isEqualTo("a\r\n..b\r\n.\r\n");
        assertThat(stuff(".first\r\n")).isEqualTo("..first\r\n.\r\n");
        assertThat(stuff("bare\nlf\n.dot")).isEqualTo("bare\r\nlf\r\n..dot\r\n.\r\n");
        assertThat(stuff("no end")).isEqualTo("no end\r\n.\r\n");
        assertThat(stuff("x\r\n.\r\ny\r\n")).isEqualTo("x\r\n..\r\ny\r\n.\r\n");
        assertThat(stuff("cr only\r")).isEqualTo("cr only\r\n.\r\n");
    }

    @Test
    void bulkWritesStuffAsByteByByteWritesDo() throws Exception {
        java.util.Random random = new java.util.Random(17);
        byte[] alphabet = "ab.\r\n".getBytes(StandardCharsets.US_ASCII);
        for (int round = 0; round < 2000; round++) {
            byte[] in = new byte[random.nextInt(40)];
            for (int i = 0; i < in.length; i++) {
                in[i] = alphabet[random.nextInt(alphabet.length)];
            }
            ByteArrayOutputStream single = new ByteArrayOutputStream();
            SmtpClient.DotStuffingOutputStream s = new SmtpClient.DotStuffingOutputStream(single);
            for (byte b : in) {
                s.write(b & 0xff);
            }
            s.finish();
            ByteArrayOutputStream bulk = new ByteArrayOutputStream();
            SmtpClient.DotStuffingOutputStream b = new SmtpClient.DotStuffingOutputStream(bulk);
            int cut = in.length == 0 ? 0 : random.nextInt(in.length);
            b.write(in, 0, cut);
            b.write(in, cut, in.length - cut);
            b.finish();
            assertThat(bulk.toByteArray()).as(new String(in, StandardCharsets.US_ASCII)).isEqualTo(single.toByteArray());
        }
    }

    @Test
    void enhancedStatusFromReplyOrClass() {
        assertThat(new SmtpReply(550, java.util.List.of("5.1.1 no such user")).enhancedStatus()).isEqualTo("5.1.1");
        assertThat(new SmtpReply(451, java.util.List.of("try later")).enhancedStatus()).isEqualTo("4.0.0");
        assertThat(new SmtpReply(554, java.util.List.of("rejected")).enhancedStatus()).isEqualTo("5.0.0");
    }

    @Test
    void authTypeForTrustManagerFromCipherSuite() {
        assertThat(OutboundDelivery.authType("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")).isEqualTo("ECDHE_RSA");
        assertThat(OutboundDelivery.authType("TLS_AES_256_GCM_SHA384")).isEqualTo("UNKNOWN");
    }

    private static X509Certificate cert(String cn, String... dnsNames) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair kp = g.generateKeyPair();
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=" + cn), BigInteger.ONE,
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(1))), new X500Name("CN=" + cn), kp.getPublic());
        if (dnsNames.length > 0) {
            GeneralName[] names = new GeneralName[dnsNames.length];
            for (int i = 0; i < dnsNames.length; i++) {
                names[i] = new GeneralName(GeneralName.dNSName, dnsNames[i]);
            }
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        }
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withRSA").build(kp.getPrivate())));
    }

    @Test
    void rfc6125NameMatching() throws Exception {
        X509Certificate wildcard = cert("ignored.example", "*.example.com", "mail.other.test");
        assertThat(CertificateChecker.matches(wildcard, "mx.example.com")).isTrue();
        assertThat(CertificateChecker.matches(wildcard, "MX.Example.COM.")).isTrue();
        assertThat(CertificateChecker.matches(wildcard, "a.b.example.com")).as("one label only").isFalse();
        assertThat(CertificateChecker.matches(wildcard, "example.com")).isFalse();
        assertThat(CertificateChecker.matches(wildcard, "mail.other.test")).isTrue();
        assertThat(CertificateChecker.matches(wildcard, "ignored.example")).as("CN ignored when dNSName present").isFalse();
        assertThat(CertificateChecker.matches(cert("mx.cn-only.test"), "mx.cn-only.test")).as("CN when no dNSName").isTrue();
        assertThat(CertificateChecker.matches(cert("x", "*.com"), "example.com")).as("no wildcard over a TLD").isFalse();
    }
}

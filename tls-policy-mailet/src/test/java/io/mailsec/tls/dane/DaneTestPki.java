package io.mailsec.tls.dane;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates for the DANE tests, made here with Bouncy Castle (ECDSA P-256, quick to make): a
 * root CA, an intermediate CA under it, and server certificates under the intermediate, each with
 * the names, validity and flaws a test asks for.
 */
final class DaneTestPki {
    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());
    static final Instant NOW = Instant.now();

    /** A certificate and its key. */
    static final class Issued {
        final X509Certificate cert;
        final KeyPair key;

        Issued(X509Certificate cert, KeyPair key) {
            this.cert = cert;
            this.key = key;
        }
    }

    final Issued root;
    final Issued intermediate;

    DaneTestPki(String name) throws Exception {
        root = ca("CN=" + name + " Root", null, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(30)), true);
        intermediate = ca("CN=" + name + " Intermediate", root, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(30)), true);
    }

    static KeyPair ecKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    /** A CA certificate signed by {@code issuer} (self-signed when null). */
    static Issued ca(String dn, Issued issuer, Instant from, Instant to, boolean caFlag) throws Exception {
        KeyPair kp = ecKey();
        X500Name subject = new X500Name(dn);
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer == null ? subject : new X500Name(issuer.cert.getSubjectX500Principal().getName()),
                BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(from), Date.from(to), subject, kp.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(caFlag));
        if (caFlag) {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        }
        return new Issued(sign(b, issuer == null ? kp.getPrivate() : issuer.key.getPrivate()), kp);
    }

    /** A server certificate from the intermediate, valid from yesterday for 30 days. */
    Issued server(String cn, String... dnsNames) throws Exception {
        return server(intermediate, cn, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(30)), dnsNames);
    }

    /**
     * A server certificate named CN={@code cn} with these subjectAltName dNSNames (none: no SAN
     * extension), issued under {@code issuer}'s name and signed with its key.
     */
    static Issued server(Issued issuer, String cn, Instant from, Instant to, String... dnsNames) throws Exception {
        return server(issuer.cert.getSubjectX500Principal().getName(), issuer.key.getPrivate(), cn, from, to, dnsNames);
    }

    /** The same with any issuer name and signing key (to forge a certificate that claims an issuer). */
    static Issued server(String issuerDn, PrivateKey signer, String cn, Instant from, Instant to, String... dnsNames) throws Exception {
        KeyPair kp = ecKey();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuerDn), BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(from), Date.from(to), new X500Name("CN=" + cn), kp.getPublic());
        if (dnsNames.length > 0) {
            List<GeneralName> names = new ArrayList<>();
            for (String n : dnsNames) {
                names.add(new GeneralName(GeneralName.dNSName, n));
            }
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(new GeneralName[0])));
        }
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        return new Issued(sign(b, signer), kp);
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    }

    /**
     * The TLSA record of {@code cert} with these parameters, in presentation form, computed apart
     * from the code under test (the JDK's key encoding and MessageDigest).
     */
    static String tlsa(int usage, int selector, int mtype, X509Certificate cert) throws Exception {
        byte[] selected = selector == 0 ? cert.getEncoded() : cert.getPublicKey().getEncoded();
        byte[] data = mtype == 0 ? selected : MessageDigest.getInstance(mtype == 1 ? "SHA-256" : "SHA-512").digest(selected);
        StringBuilder sb = new StringBuilder().append(usage).append(' ').append(selector).append(' ').append(mtype).append(' ');
        for (byte x : data) {
            sb.append(String.format(Locale.ROOT, "%02x", x & 0xff));
        }
        return sb.toString();
    }

    static String pem(Object... objects) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter p = new JcaPEMWriter(w)) {
            for (Object o : objects) {
                p.writeObject(o);
            }
        }
        return w.toString();
    }

    /** The key as a PKCS#8 PEM, which OpenSSL reads (the JDK's encoding of an EC key is PKCS#8). */
    static Path writeKey(Path file, PrivateKey key) throws IOException {
        String b64 = java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded());
        Files.writeString(file, "-----BEGIN PRIVATE KEY-----\n" + b64 + "\n-----END PRIVATE KEY-----\n");
        return file;
    }

    static Path write(Path file, Object... objects) throws IOException {
        Files.writeString(file, pem(objects));
        return file;
    }
}

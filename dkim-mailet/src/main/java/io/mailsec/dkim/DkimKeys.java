package io.mailsec.dkim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.util.Base64;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;

/**
 * Loads private keys from files: PEM "RSA PRIVATE KEY" (PKCS#1), PEM "PRIVATE KEY" (PKCS#8, RSA or
 * Ed25519), or a bare base64 line holding a raw 32-byte Ed25519 seed (RFC 8463, dkimpy format).
 */
public final class DkimKeys {
    private DkimKeys() {
    }

    public static SigningKey load(Path file) throws DkimException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new DkimException("cannot read key file " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    public static SigningKey parse(String text, String source) throws DkimException {
        String t = text.trim();
        try {
            if (t.contains("-----BEGIN RSA PRIVATE KEY-----")) {
                RSAPrivateKey k = RSAPrivateKey.getInstance(pem(t, "RSA PRIVATE KEY", source));
                PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new RSAPrivateCrtKeySpec(
                        k.getModulus(), k.getPublicExponent(), k.getPrivateExponent(), k.getPrime1(), k.getPrime2(),
                        k.getExponent1(), k.getExponent2(), k.getCoefficient()));
                return SigningKey.rsa(key, source);
            }
            if (t.contains("-----BEGIN PRIVATE KEY-----")) {
                byte[] der = pem(t, "PRIVATE KEY", source);
                PrivateKeyInfo info = PrivateKeyInfo.getInstance(der);
                if (info.getPrivateKeyAlgorithm().getAlgorithm().equals(PKCSObjectIdentifiers.rsaEncryption)) {
                    return SigningKey.rsa(KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der)), source);
                }
                if (info.getPrivateKeyAlgorithm().getAlgorithm().equals(EdECObjectIdentifiers.id_Ed25519)) {
                    byte[] seed = ASN1OctetString.getInstance(ASN1Primitive.fromByteArray(
                            info.getPrivateKey().getOctets())).getOctets();
                    return ed25519Seed(seed, source);
                }
                throw new DkimException("key file " + source + ": unsupported key algorithm "
                        + info.getPrivateKeyAlgorithm().getAlgorithm());
            }
            if (t.contains("-----BEGIN")) {
                throw new DkimException("key file " + source + ": unsupported PEM type (need RSA PRIVATE KEY or PRIVATE KEY)");
            }
            byte[] raw;
            try {
                raw = Base64.getMimeDecoder().decode(t);
            } catch (IllegalArgumentException e) {
                throw new DkimException("key file " + source + ": neither PEM nor base64");
            }
            if (raw.length == 32) {
                return ed25519Seed(raw, source);
            }
            if (raw.length == 64) {
                // seed followed by public key (libsodium style)
                return ed25519Seed(java.util.Arrays.copyOf(raw, 32), source);
            }
            throw new DkimException("key file " + source + ": base64 key of " + raw.length + " bytes (Ed25519 seed must be 32)");
        } catch (DkimException e) {
            throw e;
        } catch (Exception e) {
            throw new DkimException("key file " + source + ": cannot parse key (" + e.getMessage() + ")", e);
        }
    }

    private static SigningKey ed25519Seed(byte[] seed, String source) throws DkimException {
        if (seed.length != 32) {
            throw new DkimException("key file " + source + ": Ed25519 seed is " + seed.length + " bytes, not 32");
        }
        return SigningKey.ed25519(seed, source);
    }

    private static byte[] pem(String text, String type, String source) throws DkimException {
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int b = text.indexOf(begin);
        int e = text.indexOf(end, b);
        if (b < 0 || e < 0) {
            throw new DkimException("key file " + source + ": incomplete PEM block " + type);
        }
        return Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
    }

    /** PKCS#8 PEM text for a key (used by keygen). */
    public static String toPem(SigningKey key) {
        byte[] der;
        if (key.type() == SigningKey.Type.RSA) {
            der = key.rsaKey().getEncoded();
        } else {
            try {
                der = new PrivateKeyInfo(new org.bouncycastle.asn1.x509.AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519),
                        new org.bouncycastle.asn1.DEROctetString(key.seedRef())).getEncoded();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN PRIVATE KEY-----\n" + b64 + "\n-----END PRIVATE KEY-----\n";
    }

    /** New RSA (bits) or Ed25519 key. */
    public static SigningKey generate(SigningKey.Type type, int bits, String source) {
        try {
            if (type == SigningKey.Type.RSA) {
                java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
                g.initialize(bits);
                return SigningKey.rsa(g.generateKeyPair().getPrivate(), source);
            }
            byte[] seed = new byte[32];
            new java.security.SecureRandom().nextBytes(seed);
            return SigningKey.ed25519(seed, source);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

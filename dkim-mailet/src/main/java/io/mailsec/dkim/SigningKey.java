package io.mailsec.dkim;

import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;

/** A private key DKIM can sign with: RSA (PKCS#1 v1.5, SHA-256) or Ed25519 (RFC 8463, kept as its 32-byte seed). */
public final class SigningKey {
    public enum Type { RSA, ED25519 }

    private final Type type;
    private final PrivateKey rsa;
    private final byte[] seed;
    private final byte[] edPublic;
    private final String source;

    private SigningKey(Type type, PrivateKey rsa, byte[] seed, byte[] edPublic, String source) {
        this.type = type;
        this.rsa = rsa;
        this.seed = seed;
        this.edPublic = edPublic;
        this.source = source;
    }

    static SigningKey rsa(PrivateKey key, String source) {
        return new SigningKey(Type.RSA, key, null, null, source);
    }

    static SigningKey ed25519(byte[] seed, String source) {
        byte[] pk = new byte[32];
        org.bouncycastle.math.ec.rfc8032.Ed25519.generatePublicKey(seed, 0, pk, 0);
        return new SigningKey(Type.ED25519, null, seed.clone(), pk, source);
    }

    public Type type() {
        return type;
    }

    public DkimAlgorithm algorithm() {
        return type == Type.RSA ? DkimAlgorithm.RSA_SHA256 : DkimAlgorithm.ED25519_SHA256;
    }

    public PrivateKey rsaKey() {
        return rsa;
    }

    byte[] seedRef() {
        return seed;
    }

    byte[] ed25519PublicRef() {
        return edPublic;
    }

    /** Where the key came from (file name), for messages. */
    public String source() {
        return source;
    }

    /** RSA modulus size, 256 for Ed25519. */
    public int bits() {
        return type == Type.RSA ? ((RSAPrivateKey) rsa).getModulus().bitLength() : 256;
    }

    /** The p= value for the DNS key record. */
    public String publicKeyBase64() {
        if (type == Type.ED25519) {
            return Base64.getEncoder().encodeToString(edPublic);
        }
        try {
            RSAPrivateCrtKey crt = (RSAPrivateCrtKey) rsa;
            java.security.PublicKey pub = java.security.KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
            return Base64.getEncoder().encodeToString(pub.getEncoded());
        } catch (ClassCastException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("RSA key without public exponent: " + source, e);
        }
    }

    /** The whole TXT record text: {@code v=DKIM1; k=rsa; p=...}. */
    public String dnsRecord() {
        return "v=DKIM1; k=" + (type == Type.RSA ? "rsa" : "ed25519") + "; p=" + publicKeyBase64();
    }
}

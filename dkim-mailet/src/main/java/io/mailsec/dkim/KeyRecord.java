package io.mailsec.dkim;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** A DKIM key record from DNS (RFC 6376 §3.6.1, RFC 8463 §4): tags v, h, k, n, p, s, t. */
public final class KeyRecord {
    private final String keyType;
    private final List<String> hashes;
    private final List<String> services;
    private final List<String> flags;
    private final boolean revoked;
    private final PublicKey rsaKey;
    private final byte[] ed25519Key;
    private final int bits;

    private KeyRecord(String keyType, List<String> hashes, List<String> services, List<String> flags, boolean revoked,
                      PublicKey rsaKey, byte[] ed25519Key, int bits) {
        this.keyType = keyType;
        this.hashes = hashes;
        this.services = services;
        this.flags = flags;
        this.revoked = revoked;
        this.rsaKey = rsaKey;
        this.ed25519Key = ed25519Key;
        this.bits = bits;
    }

    /** Parses a key record; {@link KeyRecords} keeps the parsed keys of a verifier. */
    public static KeyRecord parse(String txt) throws DkimException {
        TagList t = TagList.parse(txt);
        String v = t.get("v");
        if (v != null) {
            if (!v.equals("DKIM1")) {
                throw new DkimException("key record has v=" + TagList.abbreviate(v) + " (must be DKIM1)");
            }
            if (!t.asMap().keySet().iterator().next().equals("v")) {
                throw new DkimException("key record v= is not the first tag");
            }
        }
        String k = t.get("k") == null ? "rsa" : TagList.stripWhitespace(t.get("k")).toLowerCase(Locale.ROOT);
        List<String> hashes = list(t.get("h"));
        List<String> services = t.get("s") == null ? List.of("*") : list(t.get("s"));
        List<String> flags = list(t.get("t"));
        String p = t.get("p");
        if (p == null) {
            throw new DkimException("key record has no p= tag");
        }
        p = TagList.stripWhitespace(p);
        if (p.isEmpty()) {
            return new KeyRecord(k, hashes, services, flags, true, null, null, 0);
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(p);
        } catch (IllegalArgumentException e) {
            throw new DkimException("key record p= is not valid base64");
        }
        switch (k) {
            case "rsa": {
                PublicKey key = rsa(der);
                int bits = ((RSAPublicKey) key).getModulus().bitLength();
                return new KeyRecord(k, hashes, services, flags, false, key, null, bits);
            }
            case "ed25519": {
                byte[] raw = der;
                if (der.length == 44 && der[0] == 0x30) {
                    raw = Arrays.copyOfRange(der, 12, 44); // SubjectPublicKeyInfo wrapper, tolerated
                }
                if (raw.length != 32) {
                    throw new DkimException("ed25519 key in p= is " + raw.length + " bytes, not 32");
                }
                return new KeyRecord(k, hashes, services, flags, false, null, raw, 256);
            }
            default:
                // unknown key type: RFC 6376 §6.1.2 step 6, the record is unusable
                return new KeyRecord(k, hashes, services, flags, false, null, null, 0);
        }
    }

    private static PublicKey rsa(byte[] der) throws DkimException {
        try {
            KeyFactory kf = KeyFactory.getInstance("RSA");
            try {
                return kf.generatePublic(new X509EncodedKeySpec(der));
            } catch (java.security.spec.InvalidKeySpecException e) {
                // some publish the bare PKCS#1 RSAPublicKey
                org.bouncycastle.asn1.pkcs.RSAPublicKey pk = org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(der);
                BigInteger n = pk.getModulus();
                return kf.generatePublic(new RSAPublicKeySpec(n, pk.getPublicExponent()));
            }
        } catch (Exception e) {
            throw new DkimException("key record p= is not an RSA public key");
        }
    }

    private static List<String> list(String value) {
        if (value == null) {
            return Collections.emptyList();
        }
        String[] parts = TagList.stripWhitespace(value).toLowerCase(Locale.ROOT).split(":");
        return List.of(parts);
    }

    public String keyType() {
        return keyType;
    }

    /** h= hash names (empty = all allowed). */
    public List<String> hashes() {
        return hashes;
    }

    public List<String> services() {
        return services;
    }

    public List<String> flags() {
        return flags;
    }

    public boolean testing() {
        return flags.contains("y");
    }

    /** t=s: the i= domain must equal d= exactly. */
    public boolean strictIdentity() {
        return flags.contains("s");
    }

    /** Empty p=: the key was revoked (RFC 6376 §3.6.1). */
    public boolean revoked() {
        return revoked;
    }

    public PublicKey rsaKey() {
        return rsaKey;
    }

    public byte[] ed25519Key() {
        return ed25519Key == null ? null : ed25519Key.clone();
    }

    byte[] ed25519KeyRef() {
        return ed25519Key;
    }

    public int bits() {
        return bits;
    }
}

package io.mailsec.dkim;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/** Signing algorithms of the a= tag: RFC 6376 §3.3 (rsa-sha1 is parsed but never passes, RFC 8301) and RFC 8463. */
public enum DkimAlgorithm {
    RSA_SHA256("rsa-sha256", "rsa", "sha256", "SHA-256"),
    RSA_SHA1("rsa-sha1", "rsa", "sha1", "SHA-1"),
    ED25519_SHA256("ed25519-sha256", "ed25519", "sha256", "SHA-256");

    private final String tag;
    private final String keyType;
    private final String hashTag;
    private final String digestName;
    /**
     * Cloned for every digest: {@code MessageDigest.getInstance} searches the security providers and
     * builds the instance reflectively, several µs per message on a busy server.
     */
    private final MessageDigest prototype;

    DkimAlgorithm(String tag, String keyType, String hashTag, String digestName) {
        this.tag = tag;
        this.keyType = keyType;
        this.hashTag = hashTag;
        this.digestName = digestName;
        this.prototype = getInstance(digestName);
    }

    /** The a= value, e.g. "rsa-sha256". */
    public String tag() {
        return tag;
    }

    /** The k= value of matching key records: "rsa" or "ed25519". */
    public String keyType() {
        return keyType;
    }

    /** The hash name as listed in a key record's h= tag. */
    public String hashTag() {
        return hashTag;
    }

    public MessageDigest newDigest() {
        try {
            return (MessageDigest) prototype.clone();
        } catch (CloneNotSupportedException e) {
            // a provider whose digests cannot be cloned (none of the JDK's)
            return getInstance(digestName);
        }
    }

    private static MessageDigest getInstance(String name) {
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static DkimAlgorithm of(String tag) throws DkimException {
        String t = tag.toLowerCase(Locale.ROOT);
        for (DkimAlgorithm a : values()) {
            if (a.tag.equals(t)) {
                return a;
            }
        }
        throw new DkimException("unsupported algorithm a=" + TagList.abbreviate(tag));
    }
}

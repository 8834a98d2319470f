package io.mailsec.tls.dane;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/** The TLSA matching type field (RFC 6698 §2.1.3), with the RFC 7218 mnemonics. */
public enum MatchingType {
    /** The selected content itself (matching type 0). */
    FULL(0, "Full", null, 0),
    /** SHA-256 of the selected content (matching type 1). */
    SHA2_256(1, "SHA2-256", "SHA-256", 32),
    /** SHA-512 of the selected content (matching type 2). */
    SHA2_512(2, "SHA2-512", "SHA-512", 64);

    private final int code;
    private final String mnemonic;
    private final String digest;
    private final int length;

    MatchingType(int code, String mnemonic, String digest, int length) {
        this.code = code;
        this.mnemonic = mnemonic;
        this.digest = digest;
        this.length = length;
    }

    public int code() {
        return code;
    }

    public String mnemonic() {
        return mnemonic;
    }

    /** Whether this is a digest (a record of the wrong length cannot match anything, RFC 7671 §4). */
    public boolean isDigest() {
        return digest != null;
    }

    /** Bytes of a digest of this type; 0 for {@link #FULL}. */
    public int digestLength() {
        return length;
    }

    /** The association data this type makes of {@code selected}: itself, or its digest. */
    public byte[] apply(byte[] selected) {
        if (digest == null) {
            return selected.clone();
        }
        try {
            return MessageDigest.getInstance(digest).digest(selected);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has " + digest, e);
        }
    }

    /** The matching type with this code; empty for unassigned values and PrivMatch(255). */
    public static Optional<MatchingType> of(int code) {
        for (MatchingType m : values()) {
            if (m.code == code) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}

package io.mailsec.tls.dane;

import java.util.Optional;

/** The TLSA selector field (RFC 6698 §2.1.2), with the RFC 7218 mnemonics. */
public enum Selector {
    /** The whole certificate, DER (selector 0). */
    CERT(0, "Cert"),
    /** The certificate's SubjectPublicKeyInfo, DER (selector 1). */
    SPKI(1, "SPKI");

    private final int code;
    private final String mnemonic;

    Selector(int code, String mnemonic) {
        this.code = code;
        this.mnemonic = mnemonic;
    }

    public int code() {
        return code;
    }

    public String mnemonic() {
        return mnemonic;
    }

    /** The selector with this code; empty for unassigned values and PrivSel(255). */
    public static Optional<Selector> of(int code) {
        for (Selector s : values()) {
            if (s.code == code) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}

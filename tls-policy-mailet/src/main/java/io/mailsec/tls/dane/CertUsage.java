package io.mailsec.tls.dane;

import java.util.Optional;

/** The TLSA certificate usage field (RFC 6698 §2.1.1), with the RFC 7218 mnemonics. */
public enum CertUsage {
    /** CA constraint: a PKIX-valid chain through this CA (RFC 6698 usage 0). */
    PKIX_TA(0, "PKIX-TA"),
    /** Service certificate constraint: a PKIX-valid chain ending in this EE certificate (usage 1). */
    PKIX_EE(1, "PKIX-EE"),
    /** Trust anchor assertion: the chain must lead to this trust anchor (usage 2). */
    DANE_TA(2, "DANE-TA"),
    /** Domain-issued certificate: the server's own certificate or key (usage 3). */
    DANE_EE(3, "DANE-EE");

    private final int code;
    private final String mnemonic;

    CertUsage(int code, String mnemonic) {
        this.code = code;
        this.mnemonic = mnemonic;
    }

    public int code() {
        return code;
    }

    /** The RFC 7218 acronym, e.g. {@code DANE-EE}. */
    public String mnemonic() {
        return mnemonic;
    }

    /** The usage with this code; empty for unassigned values and PrivCert(255). */
    public static Optional<CertUsage> of(int code) {
        for (CertUsage u : values()) {
            if (u.code == code) {
                return Optional.of(u);
            }
        }
        return Optional.empty();
    }
}

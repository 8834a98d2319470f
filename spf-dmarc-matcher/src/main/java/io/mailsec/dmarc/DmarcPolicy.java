package io.mailsec.dmarc;

import java.util.Locale;

/** Requested handling of failing mail (RFC 7489 §6.3 p/sp, RFC 9989 np): none, quarantine, reject. */
public enum DmarcPolicy {
    NONE, QUARANTINE, REJECT;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The policy for a tag value, or null if the value is missing or not a policy word. */
    public static DmarcPolicy parse(String v) {
        if (v == null) {
            return null;
        }
        switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "none":
                return NONE;
            case "quarantine":
                return QUARANTINE;
            case "reject":
                return REJECT;
            default:
                return null;
        }
    }

    /** One step milder (pct sampling and t=y): reject to quarantine, quarantine to none. */
    public DmarcPolicy milder() {
        return this == REJECT ? QUARANTINE : NONE;
    }

    @Override
    public String toString() {
        return word();
    }
}

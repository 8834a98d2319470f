package io.mailsec.core.james;

/** The mailsec version, from the jar manifest (falls back to "dev" when run from classes). */
public final class MailsecVersion {
    private MailsecVersion() {
    }

    public static String get() {
        String v = MailsecVersion.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}

package io.mailsec.av.james;

import io.mailsec.av.Verdict;
import java.util.Optional;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

/** Mail attribute names written by {@link VirusScan} and read by the matchers and {@link VirusWarning}; the quarantine ones by {@link Quarantine}. */
public final class AvAttributes {
    /** "clean", "infected", "unscannable" or "error" (String). */
    public static final AttributeName VERDICT = AttributeName.of("mailsec.av.verdict");
    /** Virus names, comma separated (String; empty when none). */
    public static final AttributeName VIRUSES = AttributeName.of("mailsec.av.viruses");
    /** Human-readable reason (String). */
    public static final AttributeName REASON = AttributeName.of("mailsec.av.reason");
    /** Per-part verdicts as JSON, same shape as {@code mailsec av scan --json} (String). */
    public static final AttributeName REPORT = AttributeName.of("mailsec.av.report");
    /** Scanner engine and version, e.g. "ClamAV 1.4.6/27000/..." (String). */
    public static final AttributeName ENGINE = AttributeName.of("mailsec.av.engine");
    /** Scan attempts that failed because the scanner was unavailable (Integer). */
    public static final AttributeName RETRIES = AttributeName.of("mailsec.av.retries");
    /** Name of the mail when it was first re-spooled for a retry (String). */
    public static final AttributeName ORIGINAL_NAME = AttributeName.of("mailsec.av.originalName");
    /** true when the mail was passed on unscanned because onScannerFailure=deliver (Boolean). */
    public static final AttributeName FAIL_OPEN = AttributeName.of("mailsec.av.failOpen");

    /** The repository URL {@link Quarantine} stored the mail in (String). */
    public static final AttributeName QUARANTINE_REPOSITORY = AttributeName.of("mailsec.av.quarantine.repository");
    /** The key the mail is stored under there: its name at the time of the store (String). */
    public static final AttributeName QUARANTINE_KEY = AttributeName.of("mailsec.av.quarantine.key");

    private AvAttributes() {
    }

    static Optional<String> string(Mail mail, AttributeName name) {
        return mail.getAttribute(name).flatMap(a -> a.getValue().valueAs(String.class));
    }

    static Optional<Verdict> verdict(Mail mail) {
        return string(mail, VERDICT).map(Verdict::fromWord);
    }

    static void set(Mail mail, AttributeName name, String value) {
        mail.setAttribute(new Attribute(name, AttributeValue.of(value)));
    }
}

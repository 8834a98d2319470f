package io.mailsec.tls.james;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.mailet.Mail;

import io.mailsec.tls.outbound.RecipientOutcome;

/** One mail of a delivery queue as the administrator sees it (JSON through WebAdmin): where it is and why. */
public final class QueuedMail {
    /** Where the mail is: in the queue, or in the workers' hands. */
    public enum Stage {
        /** In the queue: waiting for a worker or, with {@code nextAttempt} in the future, for its retry. */
        QUEUED,
        /** Taken back early by a queue that ignores delays; held until {@code nextAttempt}. */
        HELD,
        /** Its destination already has {@code maxConnectionsPerDestination} sessions: next in line for it. */
        WAITING_FOR_SLOT,
        /** Being delivered now. */
        DELIVERING
    }

    private final String name;
    private final String stage;
    private final String sender;
    private final List<String> recipients;
    private final String destination;
    private final int attempts;
    private final String queuedAt;
    private final String nextAttempt;
    private final long size;
    private final Map<String, String> firstFailures;

    private QueuedMail(String name, Stage stage, String sender, List<String> recipients, String destination, int attempts, String queuedAt,
                       String nextAttempt, long size, Map<String, String> firstFailures) {
        this.name = name;
        this.stage = stage.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        this.sender = sender;
        this.recipients = recipients;
        this.destination = destination;
        this.attempts = attempts;
        this.queuedAt = queuedAt;
        this.nextAttempt = nextAttempt;
        this.size = size;
        this.firstFailures = firstFailures;
    }

    static QueuedMail of(Mail mail, Stage stage, String destination) {
        List<String> rcpts = new ArrayList<>();
        mail.getRecipients().forEach(r -> rcpts.add(r.asString()));
        Map<String, String> failures = new LinkedHashMap<>();
        for (Map.Entry<String, RecipientOutcome> f : DeliveryState.firstFailures(mail).entrySet()) {
            RecipientOutcome o = f.getValue();
            failures.put(f.getKey(), o.status() + " " + (o.step() == null || o.step().isEmpty() ? "" : "step " + o.step() + ": ") + o.diagnostic());
        }
        long size;
        try {
            size = mail.getMessageSize();
        } catch (Exception e) {
            size = -1;
        }
        Instant queuedAt = DeliveryState.queuedAt(mail, null);
        return new QueuedMail(mail.getName(), stage, mail.getMaybeSender().asString(""), rcpts, destination, DeliveryState.attempts(mail),
                queuedAt == null ? null : queuedAt.toString(), DeliveryState.nextAttempt(mail).map(Object::toString).orElse(null), size,
                failures);
    }

    public String getName() {
        return name;
    }

    /** {@code queued}, {@code held}, {@code waiting-for-slot} or {@code delivering}. */
    public String getStage() {
        return stage;
    }

    /** The envelope sender, "" for the null sender. */
    public String getSender() {
        return sender;
    }

    public List<String> getRecipients() {
        return recipients;
    }

    /** The recipient domain this queue entry is for. */
    public String getDestination() {
        return destination;
    }

    /** Attempts made so far. */
    public int getAttempts() {
        return attempts;
    }

    /** When the mail entered the delivery queue (ISO-8601), null when unknown. */
    public String getQueuedAt() {
        return queuedAt;
    }

    /** When the next attempt is due (ISO-8601); null for a first attempt. */
    public String getNextAttempt() {
        return nextAttempt;
    }

    /** Message size in bytes, -1 when unknown. */
    public long getSize() {
        return size;
    }

    /** Per recipient, the first failure (status, step, diagnostic), kept for the DSN. */
    public Map<String, String> getFirstFailures() {
        return firstFailures;
    }
}

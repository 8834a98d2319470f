package io.mailsec.tls.james;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

import io.mailsec.tls.outbound.RecipientOutcome;

/**
 * The retry state a mail carries through the delivery queue, as typed mail attributes (so it survives
 * a persistent queue and a James restart): attempts made, when it was queued, when it may next be
 * tried, whether the delayed DSN went out, and each recipient's first failure.
 */
final class DeliveryState {
    private DeliveryState() {
    }

    static int attempts(Mail mail) {
        return mail.getAttribute(MailsecTlsAttributes.OUTBOUND_ATTEMPTS).map(a -> ((Number) a.getValue().value()).intValue()).orElse(0);
    }

    static Instant queuedAt(Mail mail, Instant otherwise) {
        return time(mail, MailsecTlsAttributes.OUTBOUND_QUEUED_AT).orElse(otherwise);
    }

    static Optional<Instant> nextAttempt(Mail mail) {
        return time(mail, MailsecTlsAttributes.OUTBOUND_NEXT_ATTEMPT);
    }

    static boolean delayNotified(Mail mail) {
        return mail.getAttribute(MailsecTlsAttributes.OUTBOUND_DELAY_NOTIFIED).map(a -> Boolean.TRUE.equals(a.getValue().value()))
                .orElse(false);
    }

    static void queued(Mail mail, Instant at) {
        if (time(mail, MailsecTlsAttributes.OUTBOUND_QUEUED_AT).isEmpty()) {
            mail.setAttribute(new Attribute(MailsecTlsAttributes.OUTBOUND_QUEUED_AT, AttributeValue.of(at.toEpochMilli())));
        }
    }

    static Optional<Instant> requeuedAt(Mail mail) {
        return time(mail, MailsecTlsAttributes.OUTBOUND_REQUEUED_AT);
    }

    static void retry(Mail mail, int attempts, Instant next, Map<String, RecipientOutcome> firstFailures, boolean delayNotified) {
        mail.setAttribute(new Attribute(MailsecTlsAttributes.OUTBOUND_ATTEMPTS, AttributeValue.of(attempts)));
        mail.setAttribute(new Attribute(MailsecTlsAttributes.OUTBOUND_REQUEUED_AT, AttributeValue.of(System.currentTimeMillis())));
        mail.setAttribute(new Attribute(MailsecTlsAttributes.OUTBOUND_NEXT_ATTEMPT, AttributeValue.of(next.toEpochMilli())));
        mail.setAttribute(new Attribute(MailsecTlsAttributes.OUTBOUND_DELAY_NOTIFIED, AttributeValue.of(delayNotified)));
        Map<String, AttributeValue<?>> failures = new LinkedHashMap<>();
        firstFailures.forEach((rcpt, o) -> failures.put(rcpt, AttributeValue.of(encode(o))));
        mail.setAttribute(new Attribute(MailsecTlsAttributes.OUTBOUND_FIRST_FAILURE, AttributeValue.of(failures)));
    }

    /** Each recipient's first failure, as it was recorded. */
    @SuppressWarnings("unchecked")
    static Map<String, RecipientOutcome> firstFailures(Mail mail) {
        Map<String, RecipientOutcome> out = new LinkedHashMap<>();
        mail.getAttribute(MailsecTlsAttributes.OUTBOUND_FIRST_FAILURE).map(a -> a.getValue().value()).filter(Map.class::isInstance)
                .ifPresent(m -> ((Map<String, AttributeValue<?>>) m).forEach((rcpt, v) -> {
                    if (v.value() instanceof Map) {
                        out.put(rcpt, decode(rcpt, (Map<String, AttributeValue<?>>) v.value()));
                    }
                }));
        return out;
    }

    private static Map<String, AttributeValue<?>> encode(RecipientOutcome o) {
        Map<String, AttributeValue<?>> m = new HashMap<>();
        m.put("status", AttributeValue.of(o.status()));
        m.put("tlsFailure", AttributeValue.of(o.tlsFailure()));
        m.put("step", AttributeValue.of(o.step() == null ? "" : o.step()));
        m.put("remote", AttributeValue.of(o.remote() == null ? "" : o.remote()));
        m.put("diagnostic", AttributeValue.of(o.diagnostic() == null ? "" : o.diagnostic()));
        return m;
    }

    private static RecipientOutcome decode(String rcpt, Map<String, AttributeValue<?>> m) {
        String remote = string(m, "remote");
        return RecipientOutcome.temporary(rcpt, string(m, "status"), remote.isEmpty() ? null : remote, string(m, "diagnostic"),
                Boolean.TRUE.equals(m.getOrDefault("tlsFailure", AttributeValue.of(false)).value()), string(m, "step"));
    }

    private static String string(Map<String, AttributeValue<?>> m, String key) {
        AttributeValue<?> v = m.get(key);
        return v == null ? "" : String.valueOf(v.value());
    }

    private static Optional<Instant> time(Mail mail, AttributeName name) {
        return mail.getAttribute(name).map(a -> a.getValue().value()).filter(Number.class::isInstance)
                .map(v -> Instant.ofEpochMilli(((Number) v).longValue()));
    }
}

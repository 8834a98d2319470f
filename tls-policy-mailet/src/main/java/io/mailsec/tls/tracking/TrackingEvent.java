package io.mailsec.tls.tracking;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One line of the TLS tracking log: an inbound acceptance or refusal, or one outbound delivery attempt.
 * Field names (stable, scripts read them): time, direction, messageId, sender, recipients, peerHost,
 * peerIp, level, entry, tls, protocol, cipher, certificate, outcome, reason, plus step/attempt outbound.
 */
public final class TrackingEvent {
    /** Outcome words of the issue. */
    public static final String ACCEPTED = "accepted";
    public static final String REFUSED = "refused";
    public static final String DELIVERED = "delivered";
    public static final String BLOCKED = "blocked: TLS unavailable";
    public static final String BOUNCED = "bounced";
    public static final String DEFERRED = "deferred";
    public static final String QUEUED = "queued";

    private final Map<String, Object> fields = new LinkedHashMap<>();

    private TrackingEvent(String direction) {
        fields.put("time", Instant.now().toString());
        fields.put("direction", direction);
    }

    public static TrackingEvent inbound() {
        return new TrackingEvent("inbound");
    }

    public static TrackingEvent outbound() {
        return new TrackingEvent("outbound");
    }

    public TrackingEvent messageId(String v) {
        return put("messageId", v);
    }

    public TrackingEvent sender(String v) {
        return put("sender", v);
    }

    public TrackingEvent recipients(List<String> v) {
        fields.put("recipients", new ArrayList<>(v));
        return this;
    }

    public TrackingEvent peerHost(String v) {
        return put("peerHost", v);
    }

    public TrackingEvent peerIp(String v) {
        return put("peerIp", v);
    }

    public TrackingEvent level(String v) {
        return put("level", v);
    }

    /** The policy entry that matched, as written in the file (e.g. {@code .bank.example}, {@code default}). */
    public TrackingEvent entry(String v) {
        return put("entry", v);
    }

    public TrackingEvent tls(boolean used) {
        fields.put("tls", used);
        return this;
    }

    public TrackingEvent protocol(String v) {
        return put("protocol", v);
    }

    public TrackingEvent cipher(String v) {
        return put("cipher", v);
    }

    /** Certificate verdict: trusted, untrusted, expired, name-mismatch, not-checked, none. */
    public TrackingEvent certificate(String v) {
        return put("certificate", v);
    }

    public TrackingEvent outcome(String v) {
        return put("outcome", v);
    }

    public TrackingEvent reason(String v) {
        return put("reason", v);
    }

    /** Outbound: the step that failed (connect, greeting, ehlo, starttls, handshake, certificate, mail, rcpt, data). */
    public TrackingEvent step(String v) {
        return put("step", v);
    }

    public TrackingEvent attempt(int n) {
        fields.put("attempt", n);
        return this;
    }

    public TrackingEvent put(String key, Object value) {
        if (value != null) {
            fields.put(key, value);
        }
        return this;
    }

    public Map<String, Object> fields() {
        return fields;
    }
}

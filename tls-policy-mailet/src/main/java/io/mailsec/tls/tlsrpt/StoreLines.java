package io.mailsec.tls.tlsrpt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailsec.core.json.JsonStrings;

/**
 * The two kinds of line {@link FileTlsRptStore} writes. A policy is written once per day file as a
 * line of its own with an id (the first 16 hex digits of the SHA-256 of its line, so the same policy
 * gets the same id after a restart), and each session names it: a session line stays under 200
 * bytes although an MTA-STS policy text is several times that.
 *
 * <pre>
 * {"policy":"3f0c9a1e5b7d2c48","type":"sts","domain":"example.com","strings":["version: STSv1","mode: enforce","mx: mx1.example.com","max_age: 604800"],"mx":["mx1.example.com"]}
 * {"session":"2026-12-03T10:15:00Z","policy":"3f0c9a1e5b7d2c48"}
 * {"session":"2026-12-03T10:16:02Z","policy":"3f0c9a1e5b7d2c48","result-type":"certificate-expired","sending-mta-ip":"192.0.2.1","receiving-mx-hostname":"mx1.example.com","receiving-ip":"198.51.100.25"}
 * </pre>
 *
 * Failure fields carry the RFC 8460 §4.4 names.
 */
final class StoreLines {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StoreLines() {
    }

    /** A policy's line body without its id (the id is the hash of this). */
    private static String policyBody(AppliedPolicy p) {
        StringBuilder b = new StringBuilder(128);
        JsonStrings.quote(b.append("\"type\":"), p.type().word());
        JsonStrings.quote(b.append(",\"domain\":"), p.domain());
        JsonStrings.array(b.append(",\"strings\":"), p.strings());
        JsonStrings.array(b.append(",\"mx\":"), p.mxHosts());
        return b.toString();
    }

    static String policyId(AppliedPolicy p) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(policyBody(p).getBytes(StandardCharsets.UTF_8));
            StringBuilder s = new StringBuilder(16);
            for (int i = 0; i < 8; i++) {
                s.append(Character.forDigit((h[i] >> 4) & 0xf, 16)).append(Character.forDigit(h[i] & 0xf, 16));
            }
            return s.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    static String policyLine(String id, AppliedPolicy p) {
        return "{\"policy\":\"" + id + "\"," + policyBody(p) + "}\n";
    }

    static String sessionLine(String policyId, SessionRecord r) {
        StringBuilder b = new StringBuilder(160);
        b.append("{\"session\":\"").append(r.time()).append("\",\"policy\":\"").append(policyId).append('"');
        r.failure().ifPresent(f -> {
            JsonStrings.quote(b.append(",\"result-type\":"), f.resultType().word());
            field(b, "sending-mta-ip", f.sendingMtaIp());
            field(b, "receiving-mx-hostname", f.receivingMxHostname());
            field(b, "receiving-mx-helo", f.receivingMxHelo());
            field(b, "receiving-ip", f.receivingIp());
            field(b, "additional-information", f.additionalInformation());
            field(b, "failure-reason-code", f.failureReasonCode());
        });
        return b.append("}\n").toString();
    }

    private static void field(StringBuilder b, String name, Optional<String> value) {
        value.ifPresent(v -> JsonStrings.quote(b.append(",\"").append(name).append("\":"), v));
    }

    /**
     * Reads one line (without its newline) into {@code policies} or {@code sink}'s record.
     *
     * @return the session record of a session line, empty for a policy line
     * @throws IllegalArgumentException when the line is not one this class writes, or names an unknown policy
     */
    static Optional<SessionRecord> read(String line, Map<String, AppliedPolicy> policies) {
        JsonNode n;
        try {
            n = JSON.readTree(line);
        } catch (Exception e) {
            throw new IllegalArgumentException("not JSON");
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        if (n.has("type")) {
            AppliedPolicy p = AppliedPolicy.of(PolicyType.fromWord(text(n, "type")).orElseThrow(() -> new IllegalArgumentException("policy type")),
                    text(n, "domain"), strings(n, "strings"), strings(n, "mx"));
            policies.putIfAbsent(text(n, "policy"), p);
            return Optional.empty();
        }
        AppliedPolicy p = policies.get(text(n, "policy"));
        if (p == null) {
            throw new IllegalArgumentException("session names policy " + text(n, "policy") + ", which no line before it defines");
        }
        Instant t = Instant.parse(text(n, "session"));
        if (!n.has("result-type")) {
            return Optional.of(SessionRecord.success(t, p));
        }
        SessionFailure f = SessionFailure.of(ResultType.fromWord(text(n, "result-type"))
                .orElseThrow(() -> new IllegalArgumentException("unknown result-type")))
                .sendingMtaIp(optional(n, "sending-mta-ip"))
                .receivingMxHostname(optional(n, "receiving-mx-hostname"))
                .receivingMxHelo(optional(n, "receiving-mx-helo"))
                .receivingIp(optional(n, "receiving-ip"))
                .additionalInformation(optional(n, "additional-information"))
                .failureReasonCode(optional(n, "failure-reason-code"));
        return Optional.of(SessionRecord.failure(t, p, f));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("no " + field);
        }
        return v.asText();
    }

    private static String optional(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null ? null : v.asText();
    }

    private static List<String> strings(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isArray()) {
            throw new IllegalArgumentException("no " + field);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode s : v) {
            out.add(s.asText());
        }
        return out;
    }
}

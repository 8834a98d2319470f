package io.mailsec.tls.tlsrpt;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The report as RFC 8460 §4.4 JSON, members in the RFC's order, UTF-8, without whitespace (it is
 * compressed and read by programs). {@code policy-string} and {@code mx-host} are left out when empty
 * (a {@code no-policy-found} policy has neither); {@code failure-details} is always there, empty when
 * every session succeeded, so a reader finds the same shape in every entry.
 */
public final class ReportJsonWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReportJsonWriter() {
    }

    public static byte[] write(TlsRptReport r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("organization-name", r.organizationName());
        ObjectNode range = root.putObject("date-range");
        range.put("start-datetime", r.start().toString());
        range.put("end-datetime", r.end().toString());
        r.contactInfo().ifPresent(c -> root.put("contact-info", c));
        root.put("report-id", r.reportId());
        ArrayNode policies = root.putArray("policies");
        for (ReportPolicy p : r.policies()) {
            ObjectNode entry = policies.addObject();
            ObjectNode policy = entry.putObject("policy");
            policy.put("policy-type", p.policyType());
            strings(policy, "policy-string", p.policyStrings());
            p.policyDomain().ifPresent(d -> policy.put("policy-domain", d));
            strings(policy, "mx-host", p.mxHosts());
            ObjectNode summary = entry.putObject("summary");
            summary.put("total-successful-session-count", p.successes());
            summary.put("total-failure-session-count", p.failures());
            ArrayNode details = entry.putArray("failure-details");
            for (ReportFailure f : p.failureDetails()) {
                ObjectNode d = details.addObject();
                d.put("result-type", f.resultType());
                text(d, "sending-mta-ip", f.sendingMtaIp());
                text(d, "receiving-mx-hostname", f.receivingMxHostname());
                text(d, "receiving-mx-helo", f.receivingMxHelo());
                text(d, "receiving-ip", f.receivingIp());
                d.put("failed-session-count", f.failedSessions());
                text(d, "additional-information", f.additionalInformation());
                text(d, "failure-reason-code", f.failureReasonCode());
            }
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always serializes", e);
        }
    }

    private static void strings(ObjectNode o, String name, List<String> values) {
        if (!values.isEmpty()) {
            ArrayNode a = o.putArray(name);
            values.forEach(a::add);
        }
    }

    private static void text(ObjectNode o, String name, Optional<String> value) {
        value.ifPresent(v -> o.put(name, v));
    }
}

package io.mailsec.tls.tlsrpt;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads a received TLS report (RFC 8460 §4.4). What a report cannot do without is refused with a
 * {@link ReportFormatException} naming the member: the JSON itself (one object, no duplicate member,
 * nothing after it), {@code date-range} with RFC 3339 times, {@code report-id}, {@code policies}, each
 * with {@code policy.policy-type} and a {@code summary}, and counts that are whole numbers from 0 up.
 *
 * <p>What senders are known to vary is read with a warning instead: {@code mx-host} as a single
 * string (RFC 8460's own example in Appendix B writes it so), a missing summary count (taken as 0),
 * a missing {@code organization-name} or {@code contact-info}, a {@code policy-type} or
 * {@code result-type} outside the RFC's lists, and a {@code total-failure-session-count} that is not
 * the sum of the failure details. Unknown members are ignored.
 */
public final class ReportJsonReader {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final List<String> warnings = new ArrayList<>();

    private ReportJsonReader() {
    }

    public static ParsedReport read(byte[] json) throws ReportFormatException {
        return new ReportJsonReader().parse(json);
    }

    private ParsedReport parse(byte[] json) throws ReportFormatException {
        if (json.length == 0) {
            throw new ReportFormatException("empty input");
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ReportFormatException("not JSON: " + e.getOriginalMessage() + location(e));
        } catch (IOException e) {
            throw new ReportFormatException("not JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ReportFormatException("not a JSON object");
        }
        String org = optionalText(root, "organization-name", "");
        if (org == null) {
            warnings.add("organization-name: missing");
        }
        JsonNode range = object(root, "date-range", "");
        Instant start = time(range, "start-datetime", "date-range.");
        Instant end = time(range, "end-datetime", "date-range.");
        if (end.isBefore(start)) {
            throw new ReportFormatException("date-range: end-datetime " + end + " is before start-datetime " + start);
        }
        String contact = optionalText(root, "contact-info", "");
        if (contact == null) {
            warnings.add("contact-info: missing");
        }
        String id = optionalText(root, "report-id", "");
        if (id == null || id.isBlank()) {
            throw new ReportFormatException("report-id: missing");
        }
        JsonNode list = root.get("policies");
        if (list == null || !list.isArray()) {
            throw new ReportFormatException("policies: " + (list == null ? "missing" : "not an array"));
        }
        if (list.isEmpty()) {
            warnings.add("policies: empty");
        }
        List<ReportPolicy> policies = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            policies.add(policy(list.get(i), "policies[" + i + "]"));
        }
        return new ParsedReport(new TlsRptReport(org, start, end, contact, id, policies), warnings);
    }

    private ReportPolicy policy(JsonNode entry, String path) throws ReportFormatException {
        if (!entry.isObject()) {
            throw new ReportFormatException(path + ": not an object");
        }
        JsonNode policy = object(entry, "policy", path + ".");
        String type = optionalText(policy, "policy-type", path + ".policy.");
        if (type == null) {
            throw new ReportFormatException(path + ".policy.policy-type: missing");
        }
        if (PolicyType.fromWord(type).isEmpty()) {
            warnings.add(path + ".policy.policy-type: '" + type + "' is none of sts, tlsa, no-policy-found");
        }
        List<String> strings = stringList(policy, "policy-string", path + ".policy.", false);
        String domain = optionalText(policy, "policy-domain", path + ".policy.");
        List<String> mx = stringList(policy, "mx-host", path + ".policy.", true);
        JsonNode summary = object(entry, "summary", path + ".");
        long ok = count(summary, "total-successful-session-count", path + ".summary.");
        long failed = count(summary, "total-failure-session-count", path + ".summary.");
        List<ReportFailure> details = new ArrayList<>();
        JsonNode fd = entry.get("failure-details");
        if (fd != null && !fd.isNull()) {
            if (!fd.isArray()) {
                throw new ReportFormatException(path + ".failure-details: not an array");
            }
            long sum = 0;
            for (int j = 0; j < fd.size(); j++) {
                ReportFailure f = failure(fd.get(j), path + ".failure-details[" + j + "]");
                sum += f.failedSessions();
                details.add(f);
            }
            if (sum != failed) {
                warnings.add(path + ": total-failure-session-count " + failed + " is not the sum of failed-session-count, " + sum);
            }
        } else if (failed > 0) {
            warnings.add(path + ": " + failed + " failed sessions but no failure-details");
        }
        return new ReportPolicy(type, strings, domain, mx, ok, failed, details);
    }

    private ReportFailure failure(JsonNode d, String path) throws ReportFormatException {
        if (!d.isObject()) {
            throw new ReportFormatException(path + ": not an object");
        }
        String type = optionalText(d, "result-type", path + ".");
        if (type == null) {
            throw new ReportFormatException(path + ".result-type: missing");
        }
        if (ResultType.fromWord(type).isEmpty()) {
            warnings.add(path + ".result-type: '" + type + "' is not an RFC 8460 §4.3 result type");
        }
        if (!d.has("failed-session-count")) {
            throw new ReportFormatException(path + ".failed-session-count: missing");
        }
        long n = count(d, "failed-session-count", path + ".");
        return new ReportFailure(type, optionalText(d, "sending-mta-ip", path + "."), optionalText(d, "receiving-mx-hostname", path + "."),
                optionalText(d, "receiving-mx-helo", path + "."), optionalText(d, "receiving-ip", path + "."),
                optionalText(d, "additional-information", path + "."), optionalText(d, "failure-reason-code", path + "."), n);
    }

    private static JsonNode object(JsonNode parent, String name, String path) throws ReportFormatException {
        JsonNode n = parent.get(name);
        if (n == null || n.isNull()) {
            throw new ReportFormatException(path + name + ": missing");
        }
        if (!n.isObject()) {
            throw new ReportFormatException(path + name + ": not an object");
        }
        return n;
    }

    /** The member's text, null when absent; any other JSON type than a string is refused. */
    private static String optionalText(JsonNode parent, String name, String path) throws ReportFormatException {
        JsonNode n = parent.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw new ReportFormatException(path + name + ": not a string");
        }
        return n.asText();
    }

    private List<String> stringList(JsonNode parent, String name, String path, boolean stringAllowed) throws ReportFormatException {
        JsonNode n = parent.get(name);
        List<String> out = new ArrayList<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (n.isTextual() && stringAllowed) {
            warnings.add(path + name + ": a string, not an array (taken as one host)");
            out.add(n.asText());
            return out;
        }
        if (!n.isArray()) {
            throw new ReportFormatException(path + name + ": not an array of strings");
        }
        for (int i = 0; i < n.size(); i++) {
            if (!n.get(i).isTextual()) {
                throw new ReportFormatException(path + name + "[" + i + "]: not a string");
            }
            out.add(n.get(i).asText());
        }
        return out;
    }

    private long count(JsonNode parent, String name, String path) throws ReportFormatException {
        JsonNode n = parent.get(name);
        if (n == null || n.isNull()) {
            warnings.add(path + name + ": missing (taken as 0)");
            return 0;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0) {
            throw new ReportFormatException(path + name + ": " + n + " is not a whole number from 0 up");
        }
        return n.asLong();
    }

    private static Instant time(JsonNode parent, String name, String path) throws ReportFormatException {
        String s = optionalText(parent, name, path);
        if (s == null) {
            throw new ReportFormatException(path + name + ": missing");
        }
        try {
            return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new ReportFormatException(path + name + ": '" + s + "' is not an RFC 3339 date-time (e.g. 2026-12-03T00:00:00Z)");
        }
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }
}

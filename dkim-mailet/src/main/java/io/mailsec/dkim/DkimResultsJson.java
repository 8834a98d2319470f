package io.mailsec.dkim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.mailsec.core.json.JsonStrings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON form of verification results, used for the {@code mailsec.dkim.results} Mail attribute and
 * by {@code mailsec dkim verify --json}: an array of objects with the keys {@code domain, selector,
 * algorithm, result, reason} (always present, strings) and {@code identity} (string or null),
 * {@code bodyLengthLimited} and {@code testing} (booleans).
 */
public final class DkimResultsJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private DkimResultsJson() {
    }

    /** The JSON as a tree, for callers that embed it in a bigger document (the CLI). */
    public static ArrayNode toArray(List<DkimResult> results) {
        try {
            return (ArrayNode) MAPPER.readTree(toJson(results));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // our own output always parses
        }
    }

    /**
     * Written by hand, no generator: DkimVerify does this for every mail, and creating a Jackson
     * generator (with its buffer recycling) cost more than the writing. Strings through
     * {@link JsonStrings}; {@link #toArray} reads the result back with Jackson.
     */
    public static String toJson(List<DkimResult> results) {
        StringBuilder b = new StringBuilder(200 * results.size() + 2).append('[');
        for (DkimResult r : results) {
            if (b.length() > 1) {
                b.append(',');
            }
            field(b.append('{'), "domain", r.domain());
            field(b.append(','), "selector", r.selector());
            field(b.append(','), "algorithm", r.algorithm());
            field(b.append(','), "result", r.result());
            field(b.append(','), "reason", r.reason());
            field(b.append(','), "identity", r.identity());
            b.append(",\"bodyLengthLimited\":").append(r.bodyLengthLimited());
            b.append(",\"testing\":").append(r.testing()).append('}');
        }
        return b.append(']').toString();
    }

    private static void field(StringBuilder b, String name, String value) {
        JsonStrings.quote(b.append('"').append(name).append("\":"), value);
    }

    public static List<DkimResult> fromJson(String json) throws IOException {
        JsonNode root = MAPPER.readTree(json);
        if (root == null || !root.isArray()) {
            throw new IOException("DKIM results must be a JSON array");
        }
        List<DkimResult> out = new ArrayList<>();
        for (JsonNode o : root) {
            out.add(new DkimResult(o.path("domain").asText(""), o.path("selector").asText(""),
                    o.path("algorithm").asText(""), DkimResult.Status.of(o.path("result").asText("permerror")),
                    o.path("reason").asText(""), o.hasNonNull("identity") ? o.get("identity").asText() : null,
                    o.path("bodyLengthLimited").asBoolean(false), o.path("testing").asBoolean(false), null));
        }
        return out;
    }
}

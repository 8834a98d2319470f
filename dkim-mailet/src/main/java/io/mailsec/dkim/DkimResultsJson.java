package io.mailsec.dkim;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.StringWriter;
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

    /** Written straight out with a generator, no tree: DkimVerify does this for every mail. */
    public static String toJson(List<DkimResult> results) {
        StringWriter out = new StringWriter(160 * results.size() + 2);
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            g.writeStartArray();
            for (DkimResult r : results) {
                g.writeStartObject();
                g.writeStringField("domain", r.domain());
                g.writeStringField("selector", r.selector());
                g.writeStringField("algorithm", r.algorithm());
                g.writeStringField("result", r.result());
                g.writeStringField("reason", r.reason());
                g.writeStringField("identity", r.identity());
                g.writeBooleanField("bodyLengthLimited", r.bodyLengthLimited());
                g.writeBooleanField("testing", r.testing());
                g.writeEndObject();
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
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

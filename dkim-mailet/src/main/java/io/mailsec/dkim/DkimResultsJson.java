package io.mailsec.dkim;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    public static ArrayNode toArray(List<DkimResult> results) {
        ArrayNode array = MAPPER.createArrayNode();
        for (DkimResult r : results) {
            ObjectNode o = array.addObject();
            o.put("domain", r.domain());
            o.put("selector", r.selector());
            o.put("algorithm", r.algorithm());
            o.put("result", r.result());
            o.put("reason", r.reason());
            o.put("identity", r.identity());
            o.put("bodyLengthLimited", r.bodyLengthLimited());
            o.put("testing", r.testing());
        }
        return array;
    }

    /** The same JSON as {@link #toArray}, written straight out: DkimVerify does this for every mail. */
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

package io.mailsec.tls.tracking;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.function.Consumer;

import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * Writes {@link TrackingEvent}s as one JSON object per line to the slf4j logger
 * {@value #LOGGER_NAME}, so a logback appender can route them to their own file:
 * <pre>
 * &lt;appender name="TLS-TRACKING" class="ch.qos.logback.core.FileAppender"&gt;
 *   &lt;file&gt;logs/tls-tracking.jsonl&lt;/file&gt;
 *   &lt;encoder&gt;&lt;pattern&gt;%msg%n&lt;/pattern&gt;&lt;/encoder&gt;
 * &lt;/appender&gt;
 * &lt;logger name="mailsec.tls.tracking" level="INFO" additivity="false"&gt;&lt;appender-ref ref="TLS-TRACKING"/&gt;&lt;/logger&gt;
 * </pre>
 */
public final class TrackingLog {
    public static final String LOGGER_NAME = "mailsec.tls.tracking";
    private static final JsonFactory JSON = new JsonFactory();
    private static final TrackingLog DEFAULT = new TrackingLog(LoggerFactory.getLogger(LOGGER_NAME)::info);
    private static volatile Consumer<String> extraSink;

    private final Consumer<String> sink;

    public TrackingLog(Consumer<String> sink) {
        this.sink = sink;
    }

    /** The log on {@value #LOGGER_NAME}. */
    public static TrackingLog get() {
        return DEFAULT;
    }

    /** Tests: also hand every line of the default log to {@code sink} (null to stop). */
    public static void tap(Consumer<String> sink) {
        extraSink = sink;
    }

    public void record(TrackingEvent event) {
        String line = toJson(event);
        sink.accept(line);
        Consumer<String> extra = extraSink;
        if (extra != null && this == DEFAULT) {
            extra.accept(line);
        }
    }

    /**
     * The event as one JSON object. Written with the streaming generator: one line per accepted
     * message, and mapping the field map with an ObjectMapper cost twice as much.
     */
    public static String toJson(TrackingEvent event) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            for (Map.Entry<String, Object> f : event.fields().entrySet()) {
                g.writeFieldName(f.getKey());
                writeValue(g, f.getValue());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void writeValue(JsonGenerator g, Object v) throws IOException {
        if (v instanceof Boolean) {
            g.writeBoolean((Boolean) v);
        } else if (v instanceof Integer || v instanceof Long) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Iterable) {
            g.writeStartArray();
            for (Object x : (Iterable<?>) v) {
                writeValue(g, x);
            }
            g.writeEndArray();
        } else {
            g.writeString(String.valueOf(v));
        }
    }
}

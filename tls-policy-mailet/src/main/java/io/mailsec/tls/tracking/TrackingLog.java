package io.mailsec.tls.tracking;

import java.util.function.Consumer;

import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailsec.core.runtime.MailsecRuntime;

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
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Consumer<String> sink;
    private volatile Consumer<String> extraSink;

    public TrackingLog(Consumer<String> sink) {
        this.sink = sink;
    }

    /** The runtime's log on {@value #LOGGER_NAME}, shared by every stage that tracks. */
    public static TrackingLog of(MailsecRuntime runtime) {
        return runtime.shared(TrackingLog.class, LOGGER_NAME, () -> new TrackingLog(LoggerFactory.getLogger(LOGGER_NAME)::info));
    }

    /** Tests: also hand every line to {@code sink} (null to stop). */
    public void tap(Consumer<String> sink) {
        extraSink = sink;
    }

    public void record(TrackingEvent event) {
        String line = toJson(event);
        sink.accept(line);
        Consumer<String> extra = extraSink;
        if (extra != null) {
            extra.accept(line);
        }
    }

    public static String toJson(TrackingEvent event) {
        try {
            return JSON.writeValueAsString(event.fields());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

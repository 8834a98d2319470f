package io.mailsec.tls.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class TrackingLogTest {
    @Test
    void oneLineOfJsonThatAnyParserReadsBackFieldForField() throws Exception {
        List<String> lines = new ArrayList<>();
        TrackingEvent e = TrackingEvent.outbound().messageId("<a\"b\\\\c@x>").sender("s@x.example")
                .recipients(List.of("r1@y.example", "r2@y.example")).tls(false).attempt(3)
                .reason("TLS unavailable:\n\tpeer said \u00e9\u0001").put("tlsFailure", true).put("absent", null);
        new TrackingLog(lines::add).record(e);

        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).doesNotContain("\n").startsWith("{\"time\":\"").endsWith("}");
        @SuppressWarnings("unchecked")
        Map<String, Object> back = new ObjectMapper().readValue(lines.get(0), Map.class);
        assertThat(back).containsEntry("direction", "outbound").containsEntry("messageId", "<a\"b\\\\c@x>")
                .containsEntry("recipients", List.of("r1@y.example", "r2@y.example")).containsEntry("tls", false)
                .containsEntry("attempt", 3).containsEntry("reason", "TLS unavailable:\n\tpeer said \u00e9\u0001")
                .containsEntry("tlsFailure", true).doesNotContainKey("absent");
        assertThat(List.copyOf(back.keySet())).isEqualTo(List.copyOf(e.fields().keySet()));
    }
}

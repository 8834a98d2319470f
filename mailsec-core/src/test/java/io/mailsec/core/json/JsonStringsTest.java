package io.mailsec.core.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Hand-written JSON string literals read back by an independent parser (Jackson) unchanged. */
class JsonStringsTest {
    @Test
    void escapesWhatJsonRequiresAndJacksonReadsItBack() throws Exception {
        String tricky = "a\"b\\c\nd\re\tf\u0001g\u001fh é あ /";
        String literal = JsonStrings.quote(tricky);
        assertThat(literal).isEqualTo("\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g\\u001Fh é あ /\"");
        assertThat(new ObjectMapper().readValue(literal, String.class)).isEqualTo(tricky);
        assertThat(JsonStrings.quote((String) null)).isEqualTo("null");
        assertThat(JsonStrings.quote(new StringBuilder("x:"), "")).hasToString("x:\"\"");
        assertThat(JsonStrings.array(new StringBuilder(), java.util.List.of("a", "b\"c"))).hasToString("[\"a\",\"b\\\"c\"]");
        assertThat(JsonStrings.array(new StringBuilder(), java.util.List.of())).hasToString("[]");
    }
}

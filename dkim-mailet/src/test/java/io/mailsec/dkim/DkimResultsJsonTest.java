package io.mailsec.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The attribute's JSON: written by hand, read back by Jackson field for field. */
class DkimResultsJsonTest {
    static final List<DkimResult> RESULTS = List.of(
            new DkimResult("example.com", "sel", "rsa-sha256", DkimResult.Status.PASS, "", "@example.com", false, false, "abcd1234"),
            new DkimResult("ex\"ample.org", "s\\2", "ed25519-sha256", DkimResult.Status.FAIL,
                    "body hash did not verify \u00e9\u3042\n\ttab\u0001\r", null, true, true, null),
            new DkimResult(null, null, null, DkimResult.Status.PERMERROR, null, null, false, false, null));

    @Test
    void writesTheDocumentedFormWithJsonEscaping() {
        assertThat(DkimResultsJson.toJson(RESULTS)).isEqualTo("["
                + "{\"domain\":\"example.com\",\"selector\":\"sel\",\"algorithm\":\"rsa-sha256\",\"result\":\"pass\","
                + "\"reason\":\"\",\"identity\":\"@example.com\",\"bodyLengthLimited\":false,\"testing\":false},"
                + "{\"domain\":\"ex\\\"ample.org\",\"selector\":\"s\\\\2\",\"algorithm\":\"ed25519-sha256\",\"result\":\"fail\","
                + "\"reason\":\"body hash did not verify \u00e9\u3042\\n\\ttab\\u0001\\r\",\"identity\":null,\"bodyLengthLimited\":true,\"testing\":true},"
                + "{\"domain\":\"\",\"selector\":\"\",\"algorithm\":\"\",\"result\":\"permerror\","
                + "\"reason\":\"\",\"identity\":null,\"bodyLengthLimited\":false,\"testing\":false}]");
        assertThat(DkimResultsJson.toJson(List.of())).isEqualTo("[]");
        assertThat(DkimResultsJson.toArray(RESULTS).toString()).isEqualTo(DkimResultsJson.toJson(RESULTS));
    }

    @Test
    void roundTripKeepsEveryField() throws Exception {
        List<DkimResult> back = DkimResultsJson.fromJson(DkimResultsJson.toJson(RESULTS));
        assertThat(back).hasSize(3);
        for (int i = 0; i < RESULTS.size(); i++) {
            DkimResult a = RESULTS.get(i);
            DkimResult b = back.get(i);
            assertThat(b.domain()).isEqualTo(a.domain());
            assertThat(b.selector()).isEqualTo(a.selector());
            assertThat(b.algorithm()).isEqualTo(a.algorithm());
            assertThat(b.status()).isEqualTo(a.status());
            assertThat(b.reason()).isEqualTo(a.reason());
            assertThat(b.identity()).isEqualTo(a.identity());
            assertThat(b.bodyLengthLimited()).isEqualTo(a.bodyLengthLimited());
            assertThat(b.testing()).isEqualTo(a.testing());
        }
    }
}

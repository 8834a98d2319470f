package io.mailsec.tls.mtasts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** RFC 8461 §3.1 TXT records. */
class StsTxtRecordTest {
    @Test
    void whichRecordsCountAsMtaSts() {
        assertThat(StsTxtRecord.isStsRecord("v=STSv1; id=1")).isTrue();
        assertThat(StsTxtRecord.isStsRecord("v=STSv1;id=1")).isTrue();
        assertThat(StsTxtRecord.isStsRecord("v=STSv1 ; id=1")).as("WSP before the delimiter (ABNF)").isTrue();
        assertThat(StsTxtRecord.isStsRecord("v=STSv1")).as("counted, then invalid for lack of id").isTrue();
        assertThat(StsTxtRecord.isStsRecord("v=STSv10; id=1")).isFalse();
        assertThat(StsTxtRecord.isStsRecord("v=stsv1; id=1")).as("case-sensitive").isFalse();
        assertThat(StsTxtRecord.isStsRecord(" v=STSv1; id=1")).isFalse();
        assertThat(StsTxtRecord.isStsRecord("v=spf1 -all")).isFalse();
    }

    @Test
    void idAndIgnoredExtensions() {
        assertThat(StsTxtRecord.parse("v=STSv1; id=20160831085700Z;").id()).isEqualTo("20160831085700Z");
        assertThat(StsTxtRecord.parse("v=STSv1; ext=value; id=abc123; other-ext.v2=x").id()).isEqualTo("abc123");
        assertThat(StsTxtRecord.parse("v=STSv1; id=" + "a".repeat(32)).id()).hasSize(32);
        assertThat(StsTxtRecord.parse("v=STSv1; id=first; id=second").id()).isEqualTo("first");
    }

    @Test
    void invalidRecords() {
        assertThatThrownBy(() -> StsTxtRecord.parse("v=STSv1;")).hasMessageContaining("no id field");
        assertThatThrownBy(() -> StsTxtRecord.parse("v=STSv1; id=" + "a".repeat(33))).hasMessageContaining("1 to 32 letters and digits");
        assertThatThrownBy(() -> StsTxtRecord.parse("v=STSv1; id=2016-08-31")).hasMessageContaining("1 to 32 letters and digits");
        assertThatThrownBy(() -> StsTxtRecord.parse("v=STSv1; id=")).hasMessageContaining("1 to 32 letters and digits");
        assertThatThrownBy(() -> StsTxtRecord.parse("v=STSv1; garbage; id=1")).hasMessageContaining("'garbage' is not name=value");
    }
}

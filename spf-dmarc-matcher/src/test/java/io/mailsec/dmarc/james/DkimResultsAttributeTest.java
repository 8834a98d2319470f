package io.mailsec.dmarc.james;

import io.mailsec.dmarc.DmarcInput;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.mailet.AttributeValue;
import org.junit.jupiter.api.Test;

import io.mailsec.dkim.DkimResult;
import io.mailsec.dkim.DkimResultsJson;

/** MailAuthCheck's direct hand-off gives DMARC exactly what DmarcCheck reads from the attribute. */
class DkimResultsAttributeTest {
    @Test
    void resultsAtHandReadAsTheAttributeReadsThem() {
        List<DkimResult> results = List.of(
                new DkimResult("auth.test", "s1", "rsa-sha256", DkimResult.Status.PASS, "signature ok", null, false, false, "abc"),
                // t=y: a pass that must not count (RFC 6376 §3.6.1)
                new DkimResult("testing.test", "s2", "rsa-sha256", DkimResult.Status.PASS, "signature ok; key in testing mode (t=y)",
                        "@testing.test", false, true, null),
                new DkimResult("other.test", "s3", "ed25519-sha256", DkimResult.Status.FAIL, "body hash did not verify", null, true, false, null),
                // no d= could be read: kept by both, reported as permerror, never aligned
                new DkimResult(null, null, null, DkimResult.Status.PERMERROR, "missing tag d=", null, false, false, null));

        List<DmarcInput.Dkim> direct = DkimResultsAttribute.fromResults(results);
        List<DmarcInput.Dkim> viaAttribute = DkimResultsAttribute.parse(AttributeValue.of(DkimResultsJson.toJson(results)));

        assertThat(direct).hasToString(viaAttribute.toString());
        assertThat(direct).extracting(DmarcInput.Dkim::result).containsExactly("pass", "neutral", "fail", "permerror");
        assertThat(direct).extracting(DmarcInput.Dkim::domain).containsExactly("auth.test", "testing.test", "other.test", "");
    }
}

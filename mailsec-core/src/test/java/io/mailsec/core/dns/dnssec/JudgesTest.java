package io.mailsec.core.dns.dnssec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** How each mode reads a response: the AD bit, RCODEs and RFC 8914 extended errors. */
class JudgesTest {
    private static Message response(int rcode, boolean ad, Integer ede) throws Exception {
        Message m = Message.newQuery(Record.newRecord(Name.fromString("mx.example.test."), Type.A, DClass.IN));
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setRcode(rcode);
        if (ad) {
            m.getHeader().setFlag(Flags.AD);
        }
        if (ede != null) {
            m.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(new ExtendedErrorCodeOption(ede, "why"))), Section.ADDITIONAL);
        }
        return m;
    }

    @Test
    void trustAdReadsTheAdBit() throws Exception {
        AdBitJudge j = new AdBitJudge();
        assertThat(j.judge(response(Rcode.NOERROR, true, null)).status).isEqualTo(DnssecStatus.SECURE);
        assertThat(j.judge(response(Rcode.NXDOMAIN, true, null)).status).isEqualTo(DnssecStatus.SECURE);
        assertThat(j.judge(response(Rcode.NOERROR, false, null)).status).isEqualTo(DnssecStatus.INSECURE);
        assertThat(j.judge(response(Rcode.NXDOMAIN, false, null)).status).isEqualTo(DnssecStatus.INSECURE);
    }

    @Test
    void trustAdSetsAdInTheQuery() throws Exception {
        Message q = Message.newQuery(Record.newRecord(Name.fromString("a.test."), Type.TLSA, DClass.IN));
        new AdBitJudge().prepare(q);
        assertThat(q.getHeader().getFlag(Flags.AD)).isTrue();
        assertThat(q.getHeader().getFlag(Flags.CD)).isFalse();
    }

    /** A SERVFAIL is BOGUS only when an extended error says validation failed; a bare one may be either. */
    @Test
    void trustAdTellsBogusFromFailureOnlyByExtendedError() throws Exception {
        AdBitJudge j = new AdBitJudge();
        for (int ede : new int[] {6, 7, 8, 9, 10, 11, 12}) {
            Judgement b = j.judge(response(Rcode.SERVFAIL, false, ede));
            assertThat(b.status).as("EDE " + ede).isEqualTo(DnssecStatus.BOGUS);
            assertThat(b.reason).contains("EDE " + ede).contains("why");
        }
        Judgement bare = j.judge(response(Rcode.SERVFAIL, false, null));
        assertThat(bare.status).isEqualTo(DnssecStatus.INDETERMINATE);
        assertThat(bare.reason).contains("a bogus answer or a failure");
        // 22 No Reachable Authority, 5 DNSSEC Indeterminate: failures, not validation verdicts
        assertThat(j.judge(response(Rcode.SERVFAIL, false, 22)).status).isEqualTo(DnssecStatus.INDETERMINATE);
        assertThat(j.judge(response(Rcode.SERVFAIL, false, 5)).status).isEqualTo(DnssecStatus.INDETERMINATE);
        assertThat(j.judge(response(Rcode.REFUSED, false, null)).status).isEqualTo(DnssecStatus.INDETERMINATE);
    }

    @Test
    void offNeverSaysSecureEvenWithAnAdBit() throws Exception {
        NoDnssecJudge j = new NoDnssecJudge();
        assertThat(j.judge(response(Rcode.NOERROR, true, null)).status).isEqualTo(DnssecStatus.INSECURE);
        assertThat(j.judge(response(Rcode.SERVFAIL, false, 7)).status).isEqualTo(DnssecStatus.INDETERMINATE);
    }

    /** Upstream failures never reach the validator's judge; a SERVFAIL there is the validator's own verdict. */
    @Test
    void validatorSaysBogusForItsServfail() throws Exception {
        ValidatorJudge j = new ValidatorJudge();
        assertThat(j.judge(response(Rcode.NOERROR, true, null)).status).isEqualTo(DnssecStatus.SECURE);
        assertThat(j.judge(response(Rcode.NOERROR, false, null)).status).isEqualTo(DnssecStatus.INSECURE);
        Judgement b = j.judge(response(Rcode.SERVFAIL, false, 6));
        assertThat(b.status).isEqualTo(DnssecStatus.BOGUS);
        assertThat(b.reason).contains("why");
    }
}

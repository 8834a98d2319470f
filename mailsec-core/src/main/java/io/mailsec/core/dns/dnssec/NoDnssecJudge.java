package io.mailsec.core.dns.dnssec;

import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/** {@code off}: no DNSSEC asked for or read; every answer is INSECURE, so DANE never applies. */
final class NoDnssecJudge implements DnssecJudge {

    @Override
    public void prepare(Message query) {
        // a plain query: no DO, no AD
    }

    @Override
    public Judgement judge(Message response) {
        int rcode = response.getRcode();
        if (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN) {
            return Judgement.of(DnssecStatus.INSECURE);
        }
        return new Judgement(DnssecStatus.INDETERMINATE, "the server answered " + Rcode.string(rcode));
    }
}

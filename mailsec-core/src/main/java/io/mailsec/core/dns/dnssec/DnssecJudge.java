package io.mailsec.core.dns.dnssec;

import org.xbill.DNS.Message;

/** What one mode does to a query before it is sent, and how it reads the DNSSEC status from the response. */
interface DnssecJudge {

    /** Sets this mode's header bits on a query (it is sent as it is after this). */
    void prepare(Message query);

    /** The status of a response that arrived, whatever its RCODE. */
    Judgement judge(Message response);
}

package io.mailsec.tls.outbound;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What happened in one connection to one MX address: how far it got, the TLS facts, and the
 * per-recipient replies when it got as far as RCPT/DATA.
 */
public final class AttemptResult {
    /** Steps of a delivery attempt, in order; the failing one is reported. */
    public enum Step { DNS, MX, CONNECT, GREETING, EHLO, STARTTLS, HANDSHAKE, CERTIFICATE, MAIL, RCPT, DATA, DONE;
        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    String host;
    String ip;
    int port;
    Step step = Step.CONNECT;
    boolean failed;
    /** The failure is about TLS (required TLS not available / not good enough). */
    boolean tlsFailure;
    /** Failure that no other MX will fix (e.g. 5xx to MAIL FROM); only meaningful when failed. */
    boolean permanent;
    String reason;
    /** The transaction went over a session kept from an earlier one (after RSET). */
    boolean reused;
    /** The envelope and DATA went in one round trip (RFC 2920). */
    boolean pipelined;
    /** The session stays open for the next message (kept in the pool instead of QUIT). */
    boolean keepSession;
    /** The enhanced status of a failure decided here, not by a reply (5.3.4 too big, 5.6.7 SMTPUTF8); null otherwise. */
    String status;
    boolean tls;
    String protocol;
    String cipher;
    CertificateVerdict certificate;
    /** A new session in which TLS was at stake (level not none, STARTTLS allowed): one TLS-RPT session. */
    boolean tlsAttempted;
    /** Why TLS failed, as TLS-RPT reports it; null when it did not (or was not attempted). */
    io.mailsec.tls.tlsrpt.ResultType tlsRptFailure;
    /** The requirement this attempt was made under (the domain's, or DANE's for this MX host). */
    TlsRequirement requirement;
    /** The DANE verdict on the server's chain, when DANE applied to the host. */
    io.mailsec.tls.dane.DaneVerdict dane;
    /** Our address on the connection, for TLS-RPT's sending-mta-ip. */
    String localIp;
    /** Replies per recipient (RCPT reply, replaced by the DATA reply for accepted recipients). */
    final Map<String, SmtpReply> replies = new LinkedHashMap<>();
    /** For each reply in {@link #replies}, the step it answered: RCPT, or DATA (the reply to DATA or after the message). */
    final Map<String, Step> replySteps = new LinkedHashMap<>();

    public String host() {
        return host;
    }

    public String ip() {
        return ip;
    }

    public int port() {
        return port;
    }

    public Step step() {
        return step;
    }

    public boolean failed() {
        return failed;
    }

    public boolean tlsFailure() {
        return tlsFailure;
    }

    public boolean permanent() {
        return permanent;
    }

    public String reason() {
        return reason;
    }

    public boolean tls() {
        return tls;
    }

    public String protocol() {
        return protocol;
    }

    public String cipher() {
        return cipher;
    }

    public CertificateVerdict certificate() {
        return certificate;
    }

    public Map<String, SmtpReply> replies() {
        return replies;
    }

    /** "mx.example.com [192.0.2.1]" */
    public String remote() {
        return (host == null ? "" : host + " ") + "[" + ip + "]" + (port == 25 ? "" : ":" + port);
    }

    void reply(String recipient, SmtpReply reply, Step answered) {
        replies.put(recipient, reply);
        replySteps.put(recipient, answered);
    }

    /** The step that refused recipients in an attempt that did not fail as a whole: data if any was refused there, else rcpt. */
    Step refusedAt() {
        Step at = null;
        for (Map.Entry<String, SmtpReply> e : replies.entrySet()) {
            if (!e.getValue().isPositive()) {
                Step s = replySteps.getOrDefault(e.getKey(), Step.RCPT);
                at = at == Step.DATA ? at : s;
            }
        }
        return at;
    }

    AttemptResult fail(Step at, String why, boolean isTls) {
        this.step = at;
        this.failed = true;
        this.reason = why;
        this.tlsFailure = isTls;
        return this;
    }
}

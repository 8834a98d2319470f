package io.mailsec.tls.james;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MailHook;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailsec.core.config.Parameters;
import io.mailsec.core.runtime.MailsecRuntime;
import io.mailsec.tls.policy.PolicyList;
import io.mailsec.tls.policy.PolicyMatch;
import io.mailsec.tls.policy.PolicyStore;
import io.mailsec.tls.tracking.TrackingEvent;
import io.mailsec.tls.tracking.TrackingLog;

/**
 * Inbound TLS policy for smtpserver.xml's handlerchain. At MAIL FROM, the stricter of the entries
 * matching the peer IP (longest prefix) and the envelope sender (address, domain, parent) applies
 * (the default only when neither matches); at RCPT TO, the recipient's entry applies too. A
 * session that needs {@code encrypt}/{@code verify} and has not started TLS is refused with
 * {@code 530 5.7.0 Must issue a STARTTLS command first} (RFC 3207 §4), so nothing is accepted.
 * Inbound {@code verify} means the same as {@code encrypt}: SMTP clients are not asked for a
 * certificate, so there is no client identity to verify.
 * <pre>
 * &lt;handler class="io.mailsec.tls.james.InboundTlsPolicyHook"&gt;
 *   &lt;policyFile&gt;conf/mailsec-tls.policy&lt;/policyFile&gt;
 *   &lt;checkInterval&gt;5s&lt;/checkInterval&gt;
 * &lt;/handler&gt;
 * </pre>
 */
public class InboundTlsPolicyHook implements MailHook, RcptHook {
    private static final Logger LOG = LoggerFactory.getLogger(InboundTlsPolicyHook.class);
    /** The match applied at MAIL FROM, for the message hook and the tracking log. */
    static final ProtocolSession.AttachmentKey<PolicyMatch> MATCH =
            ProtocolSession.AttachmentKey.of("mailsec.tls.inbound.match", PolicyMatch.class);
    static final String CODE = "530";
    static final String TEXT = "5.7.0 Must issue a STARTTLS command first";

    private PolicyStore store;

    private final MailsecRuntime runtime;
    private final TrackingLog tracking;

    /** Outside James (the CLI, tests): the standalone runtime. */
    public InboundTlsPolicyHook() {
        this(MailsecRuntime.standalone());
    }

    /** Inside James: the server's one runtime ({@code MailsecModule}). */
    @Inject
    public InboundTlsPolicyHook(MailsecRuntime runtime) {
        this.runtime = runtime;
        this.tracking = TrackingLog.of(runtime);
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        store = PolicyStores.open(Parameters.of("InboundTlsPolicyHook", config, PolicyStores.NAMES), runtime);
    }

    /** For tests and embedding. */
    public void setStore(PolicyStore store) {
        this.store = store;
    }

    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        PolicyList inbound = store.current().inbound();
        PolicyMatch byIp = inbound.match(peerIp(session));
        PolicyMatch bySender = sender.isNullSender() ? null : inbound.match(sender.asString());
        PolicyMatch applied = byIp == null ? bySender : byIp.stricter(bySender);
        if (applied == null) {
            applied = inbound.defaultMatch();
        }
        session.setAttachment(MATCH, applied, ProtocolSession.State.Transaction);
        if (applied.level().requiresTls() && !session.isTLSStarted()) {
            refuse(session, sender, List.of(), applied, "MAIL FROM");
            return deny();
        }
        return HookResult.DECLINED;
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
        if (session.isTLSStarted()) {
            return HookResult.DECLINED;
        }
        PolicyMatch byRcpt = store.current().inbound().match(rcpt.asString());
        if (byRcpt != null && byRcpt.level().requiresTls()) {
            refuse(session, sender, List.of(rcpt.asString()), byRcpt, "RCPT TO");
            return deny();
        }
        return HookResult.DECLINED;
    }

    private static HookResult deny() {
        return HookResult.builder().hookReturnCode(HookReturnCode.deny()).smtpReturnCode(CODE).smtpDescription(TEXT).build();
    }

    private void refuse(SMTPSession session, MaybeSender sender, List<String> rcpts, PolicyMatch m, String at) {
        InetAddress ip = peerIp(session);
        LOG.info("event=tls-inbound-refused at=\"{}\" peerIp={} sender={} level={} entry={}", at,
                ip == null ? "" : ip.getHostAddress(), sender.asString(), m.level().word(), m.entry());
        tracking.record(TrackingEvent.inbound()
                .sender(sender.asString())
                .recipients(rcpts)
                .peerHost(session.getAttachment(SMTPSession.CURRENT_HELO_NAME, ProtocolSession.State.Connection).orElse(null))
                .peerIp(ip == null ? null : ip.getHostAddress())
                .level(m.level().word())
                .entry(m.entry())
                .tls(false)
                .certificate("none")
                .outcome(TrackingEvent.REFUSED)
                .reason("530 5.7.0 TLS required by policy entry " + m.entry() + " (at " + at + ")"));
    }

    static InetAddress peerIp(SMTPSession session) {
        InetSocketAddress a = session.getRemoteAddress();
        return a == null ? null : a.getAddress();
    }

    static Optional<PolicyMatch> appliedMatch(SMTPSession session) {
        return session.getAttachment(MATCH, ProtocolSession.State.Transaction);
    }
}

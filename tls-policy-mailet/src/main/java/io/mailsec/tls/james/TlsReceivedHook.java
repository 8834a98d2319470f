package io.mailsec.tls.james;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import javax.net.ssl.SSLSession;

import org.apache.james.core.MailAddress;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailsec.core.runtime.MailsecRuntime;
import io.mailsec.tls.policy.PolicyMatch;
import io.mailsec.tls.tracking.MessageIdScanner;
import io.mailsec.tls.tracking.TrackingEvent;
import io.mailsec.tls.tracking.TrackingLog;

/**
 * Records the inbound TLS facts on every accepted message: attributes {@code mailsec.tls.used},
 * {@code mailsec.tls.protocol}, {@code mailsec.tls.cipher} (+ the inbound level and entry), rewrites
 * the Received header James just added to use the RFC 3848 keywords (ESMTPS / ESMTPSA) with a
 * comment naming protocol and cipher, and writes an {@code accepted} line to the tracking log.
 * <pre>&lt;handler class="io.mailsec.tls.james.TlsReceivedHook"/&gt;</pre>
 */
public class TlsReceivedHook implements JamesMessageHook {

    private final TrackingLog tracking;

    /** Outside James (the CLI, tests): the standalone runtime. */
    public TlsReceivedHook() {
        this(MailsecRuntime.standalone());
    }

    /** Inside James: the server's one runtime ({@code MailsecModule}). */
    @Inject
    public TlsReceivedHook(MailsecRuntime runtime) {
        this.tracking = TrackingLog.of(runtime);
    }
    /** No parameters: a child element of the handler (a typo, a parameter of another hook) fails the start. */
    @Override
    public void init(org.apache.commons.configuration2.Configuration config) throws org.apache.commons.configuration2.ex.ConfigurationException {
        io.mailsec.core.config.Parameters.of("TlsReceivedHook", config, java.util.Set.of());
    }

    private static final Logger LOG = LoggerFactory.getLogger(TlsReceivedHook.class);
    private static final Pattern WITH = Pattern.compile("\\bwith (ESMTPA|ESMTP)\\b");

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        boolean tls = session.isTLSStarted();
        Optional<SSLSession> ssl = tls ? session.getSSLSession() : Optional.empty();
        String protocol = ssl.map(SSLSession::getProtocol).orElse(null);
        String cipher = ssl.map(SSLSession::getCipherSuite).orElse(null);
        mail.setAttribute(new Attribute(MailsecTlsAttributes.TLS_USED, AttributeValue.of(tls)));
        if (protocol != null) {
            mail.setAttribute(new Attribute(MailsecTlsAttributes.PROTOCOL, AttributeValue.of(protocol)));
        }
        if (cipher != null) {
            mail.setAttribute(new Attribute(MailsecTlsAttributes.CIPHER, AttributeValue.of(cipher)));
        }
        Optional<PolicyMatch> match = InboundTlsPolicyHook.appliedMatch(session);
        match.ifPresent(m -> {
            mail.setAttribute(new Attribute(MailsecTlsAttributes.INBOUND_LEVEL, AttributeValue.of(m.level().word())));
            mail.setAttribute(new Attribute(MailsecTlsAttributes.INBOUND_ENTRY, AttributeValue.of(m.entry())));
        });
        String messageId = null;
        try {
            MimeMessage message = mail.getMessage();
            if (tls) {
                rewriteReceived(message, protocol, cipher);
                messageId = message.getMessageID(); // the header block is parsed by now
            } else {
                messageId = messageId(message);
            }
        } catch (MessagingException | IOException e) {
            LOG.warn("event=tls-received-header-failed mail={} error=\"{}\"", mail.getName(), e.getMessage());
        }
        List<String> rcpts = new ArrayList<>();
        for (MailAddress a : mail.getRecipients()) {
            rcpts.add(a.asString());
        }
        InetAddress ip = InboundTlsPolicyHook.peerIp(session);
        tracking.record(TrackingEvent.inbound()
                .messageId(messageId)
                .sender(mail.getMaybeSender().asString())
                .recipients(rcpts)
                .peerHost(session.getAttachment(SMTPSession.CURRENT_HELO_NAME, ProtocolSession.State.Connection).orElse(null))
                .peerIp(ip == null ? null : ip.getHostAddress())
                .level(match.map(m -> m.level().word()).orElse(null))
                .entry(match.map(PolicyMatch::entry).orElse(null))
                .tls(tls)
                .protocol(protocol)
                .cipher(cipher)
                .certificate(tls ? "not-requested" : "none")
                .outcome(TrackingEvent.ACCEPTED));
        return HookResult.DECLINED;
    }

    /**
     * The Message-ID straight from James's received bytes when the header block is not parsed yet:
     * parsing it only for this field cost more than the rest of the hook.
     */
    static String messageId(MimeMessage message) throws MessagingException, IOException {
        if (message instanceof MimeMessageWrapper) {
            try (InputStream in = ((MimeMessageWrapper) message).getMessageInputStream()) {
                return MessageIdScanner.scan(in);
            }
        }
        return message.getMessageID();
    }

    /** Rewrites the top Received header (the one James wrote for this hop); the others keep their order. */
    static void rewriteReceived(MimeMessage message, String protocol, String cipher) throws MessagingException {
        String[] received = message.getHeader("Received");
        if (received == null || received.length == 0) {
            return;
        }
        String updated = withTls(received[0], protocol, cipher);
        if (updated.equals(received[0])) {
            return;
        }
        message.removeHeader("Received");
        // InternetHeaders inserts each Received above the existing ones: add bottom-up.
        for (int i = received.length - 1; i >= 1; i--) {
            message.addHeader("Received", received[i]);
        }
        message.addHeader("Received", updated);
    }

    /** "with ESMTP" → "with ESMTPS (using TLSv1.3 with cipher X)"; "with ESMTPA" → "with ESMTPSA (...)" (RFC 3848). */
    static String withTls(String received, String protocol, String cipher) {
        Matcher m = WITH.matcher(received);
        if (!m.find()) {
            return received;
        }
        String keyword = m.group(1).equals("ESMTPA") ? "ESMTPSA" : "ESMTPS";
        String comment = " (using " + (protocol == null ? "TLS" : protocol) + (cipher == null ? "" : " with cipher " + cipher) + ")";
        return received.substring(0, m.start()) + "with " + keyword + comment + received.substring(m.end());
    }
}

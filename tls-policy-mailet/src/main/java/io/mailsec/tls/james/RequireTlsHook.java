package io.mailsec.tls.james;

import java.util.Collections;
import java.util.List;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.esmtp.EhloExtension;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MailParametersHook;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * REQUIRETLS (RFC 8689) on a listener: offered in the EHLO reply only once STARTTLS is done (§4.1),
 * the {@code REQUIRETLS} MAIL FROM parameter accepted there and refused on a plaintext session, and
 * the flag carried on the mail as {@code mailsec.tls.requireTls}, so that TlsPolicyDelivery sends it on
 * only to an authenticated MX that offers REQUIRETLS too, or bounces it with 5.7.30.
 * <pre>&lt;handler class="io.mailsec.tls.james.RequireTlsHook"/&gt;</pre>
 */
public class RequireTlsHook implements EhloExtension, MailParametersHook, JamesMessageHook {
    static final String KEYWORD = "REQUIRETLS";
    private static final Logger LOG = LoggerFactory.getLogger(RequireTlsHook.class);
    private static final ProtocolSession.AttachmentKey<Boolean> REQUESTED = ProtocolSession.AttachmentKey.of("mailsec.requiretls", Boolean.class);
    private static final HookResult NOT_WITHOUT_TLS = HookResult.builder().hookReturnCode(HookReturnCode.deny()).smtpReturnCode("555")
            .smtpDescription("5.5.4 REQUIRETLS is offered only after STARTTLS (RFC 8689)").build();

    /** No parameters: a child element of the handler (a typo) fails the start. */
    @Override
    public void init(org.apache.commons.configuration2.Configuration config) throws org.apache.commons.configuration2.ex.ConfigurationException {
        io.mailsec.core.config.Parameters.of("RequireTlsHook", config, java.util.Set.of());
    }

    @Override
    public List<String> getImplementedEsmtpFeatures(SMTPSession session) {
        return session.isTLSStarted() ? List.of(KEYWORD) : Collections.emptyList();
    }

    @Override
    public String[] getMailParamNames() {
        return new String[] {KEYWORD};
    }

    @Override
    public HookResult doMailParameter(SMTPSession session, String paramName, String paramValue) {
        if (!session.isTLSStarted()) {
            return NOT_WITHOUT_TLS;
        }
        session.setAttachment(REQUESTED, true, ProtocolSession.State.Transaction);
        return HookResult.DECLINED;
    }

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        if (session.getAttachment(REQUESTED, ProtocolSession.State.Transaction).orElse(false)) {
            mail.setAttribute(new Attribute(MailsecTlsAttributes.REQUIRE_TLS, AttributeValue.of(true)));
            LOG.info("event=requiretls-accepted mail={} sender={} recipients={}", mail.getName(), mail.getMaybeSender().asString(),
                    mail.getRecipients().size());
        }
        return HookResult.DECLINED;
    }
}

package io.mailsec.core.james;

import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MailHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submission ports (587, 465) take mail only from authenticated users (RFC 6409 §4.3): MAIL FROM
 * before a successful AUTH is refused with {@code 530 5.7.0 Authentication required}. James 3.8.1 on
 * its own only demands AUTH for relaying, so without this hook anyone could drop mail for local users
 * on the submission port, bypassing the MX's inbound checks. Clients from {@code authorizedAddresses}
 * are let through, as James does for relaying.
 *
 * <pre>{@code <handler class="io.mailsec.core.james.RequireAuthHook"/>}</pre>
 */
public final class RequireAuthHook implements MailHook {
    /** No parameters: a child element of the handler (a typo, a parameter of another hook) fails the start. */
    @Override
    public void init(org.apache.commons.configuration2.Configuration config) throws org.apache.commons.configuration2.ex.ConfigurationException {
        io.mailsec.core.config.Parameters.of("RequireAuthHook", config, java.util.Set.of());
    }

    private static final Logger LOG = LoggerFactory.getLogger(RequireAuthHook.class);

    static final HookResult AUTH_REQUIRED = HookResult.builder()
            .hookReturnCode(HookReturnCode.deny())
            .smtpReturnCode("530")
            .smtpDescription("5.7.0 Authentication required")
            .build();

    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        if (session.getUsername() != null || session.isRelayingAllowed()) {
            return HookResult.DECLINED;
        }
        LOG.info("event=submission_refused reason=not_authenticated remote={} sender={}",
                session.getRemoteAddress(), sender.asString());
        return AUTH_REQUIRED;
    }
}

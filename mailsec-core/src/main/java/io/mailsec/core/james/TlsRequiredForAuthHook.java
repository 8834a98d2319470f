package io.mailsec.core.james;

import org.apache.james.core.Username;
import org.apache.james.protocols.api.OidcSASLConfiguration;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.AuthHook;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses every AUTH attempt on a connection that has not started TLS, with
 * {@code 538 5.7.11 Encryption required for requested authentication mechanism} (RFC 4954 §6).
 * James 3.8.1's {@code <requireSSL>} only hides AUTH from the EHLO reply; a client that sends
 * AUTH PLAIN anyway is still authenticated over plaintext. Listed before James's core handlers, this
 * hook answers first, so the password is never checked, and never accepted, without TLS.
 *
 * <pre>{@code <handler class="io.mailsec.core.james.TlsRequiredForAuthHook"/>}</pre>
 */
public final class TlsRequiredForAuthHook implements AuthHook {
    /** No parameters: a child element of the handler (a typo, a parameter of another hook) fails the start. */
    @Override
    public void init(org.apache.commons.configuration2.Configuration config) throws org.apache.commons.configuration2.ex.ConfigurationException {
        io.mailsec.core.config.Parameters.of("TlsRequiredForAuthHook", config, java.util.Set.of());
    }

    private static final Logger LOG = LoggerFactory.getLogger(TlsRequiredForAuthHook.class);

    static final HookResult ENCRYPTION_REQUIRED = HookResult.builder()
            .hookReturnCode(HookReturnCode.deny())
            .smtpReturnCode("538")
            .smtpDescription("5.7.11 Encryption required for requested authentication mechanism")
            .build();

    @Override
    public HookResult doAuth(SMTPSession session, Username username, String password) {
        return check(session, username == null ? "-" : username.asString());
    }

    @Override
    public HookResult doSasl(SMTPSession session, OidcSASLConfiguration configuration, String initialResponse) {
        return check(session, "-");
    }

    private static HookResult check(SMTPSession session, String user) {
        if (session.isTLSStarted()) {
            return HookResult.DECLINED;
        }
        LOG.info("event=auth_refused reason=no_tls remote={} user={}", session.getRemoteAddress(), user);
        return ENCRYPTION_REQUIRED;
    }
}

package io.mailsec.spf.james;

import java.net.InetSocketAddress;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailsec.core.config.DnsParameters;
import io.mailsec.core.config.Parameters;
import io.mailsec.core.runtime.MailsecRuntime;
import io.mailsec.spf.ParallelLookups;
import io.mailsec.spf.SpfEvaluator;
import io.mailsec.spf.SpfVerdict;

/**
 * Optional SMTP hook: refuses MAIL FROM when SPF gives {@code fail} with
 * {@code 550 5.7.23 <explanation>} (RFC 7208 §8.4, RFC 7372). Sessions that may relay (authorized
 * networks, authenticated users) are not checked. With {@code deferOnTemperror} a temperror answers
 * {@code 451 4.4.3}. Configured in smtpserver.xml:
 *
 * <pre>{@code
 * <handler class="io.mailsec.spf.james.SpfMailHook">
 *   <dnsServers>127.0.0.53</dnsServers>
 * </handler>
 * }</pre>
 */
public class SpfMailHook implements MailHook {
    private static final Logger LOG = LoggerFactory.getLogger(SpfMailHook.class);

    private SpfEvaluator spf;
    private boolean deferOnTemperror;
    private boolean rejectSoftfail;

    private final MailsecRuntime runtime;

    /** Outside James (the CLI, tests): the standalone runtime. */
    public SpfMailHook() {
        this(MailsecRuntime.standalone());
    }

    /** Inside James: the server's one runtime ({@code MailsecModule}). */
    @Inject
    public SpfMailHook(MailsecRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        Parameters<ConfigurationException> p = Parameters.of("SpfMailHook", config, PARAMETERS);
        deferOnTemperror = p.bool("deferOnTemperror", false);
        rejectSoftfail = p.bool("rejectSoftfail", false);
        spf = SpfEvaluator.builder(DnsParameters.resolver(p, runtime))
                .receiver(p.string("receiver", SpfCheck.localHostName()))
                .executor(p.bool("parallelLookups", true) ? ParallelLookups.sharedExecutor() : null).build();
    }

    /** Every parameter this hook reads. */
    public static final java.util.Set<String> PARAMETERS = Parameters.union(DnsParameters.NAMES,
            java.util.Set.of("deferOnTemperror", "rejectSoftfail", "receiver", "parallelLookups"));

    /** For tests and embedding. */
    public void setEvaluator(SpfEvaluator evaluator) {
        this.spf = evaluator;
    }

    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        if (session.isRelayingAllowed() || session.getUsername() != null) {
            return HookResult.DECLINED;
        }
        InetSocketAddress remote = session.getRemoteAddress();
        if (remote == null || remote.getAddress() == null) {
            return HookResult.DECLINED;
        }
        String ip = remote.getAddress().getHostAddress();
        String helo = session.getAttachment(SMTPSession.CURRENT_HELO_NAME, ProtocolSession.State.Connection).orElse("");
        SpfVerdict v = spf.checkMailFrom(ip, sender.isNullSender() ? "" : sender.asString(), helo);
        LOG.info("spf-hook ip={} sender={} helo={} result={} mechanism={}", ip, sender.asString("<>"), helo,
                v.result().word(), v.mechanism());
        return decide(v, deferOnTemperror, rejectSoftfail);
    }

    @Override
    public HookResult doMail(SMTPSession session, MailAddress sender) {
        return doMail(session, MaybeSender.of(sender));
    }

    static HookResult decide(SpfVerdict v, boolean deferOnTemperror, boolean rejectSoftfail) {
        switch (v.result()) {
            case FAIL:
                return HookResult.builder().hookReturnCode(HookReturnCode.deny()).smtpReturnCode("550")
                        .smtpDescription("5.7.23 SPF fail: " + printable(v.explanation())).build();
            case SOFTFAIL:
                if (rejectSoftfail) {
                    return HookResult.builder().hookReturnCode(HookReturnCode.deny()).smtpReturnCode("550")
                            .smtpDescription("5.7.23 SPF softfail: " + printable(v.explanation() == null
                                    ? v.comment(null) : v.explanation())).build();
                }
                return HookResult.DECLINED;
            case TEMPERROR:
                if (deferOnTemperror) {
                    return HookResult.builder().hookReturnCode(HookReturnCode.denySoft()).smtpReturnCode("451")
                            .smtpDescription("4.4.3 SPF temporary error: " + printable(v.problem())).build();
                }
                return HookResult.DECLINED;
            default:
                return HookResult.DECLINED;
        }
    }

    private static String printable(String s) {
        if (s == null) {
            return "not authorized";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < 400; i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c > 0x7e ? '?' : c);
        }
        return sb.toString();
    }
}

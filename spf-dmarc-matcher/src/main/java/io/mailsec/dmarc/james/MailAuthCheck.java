package io.mailsec.dmarc.james;

import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.mailet.Mail;
import org.apache.mailet.Mailet;
import org.apache.mailet.base.GenericMailet;

import io.mailsec.core.config.Parameters;
import io.mailsec.core.james.OverriddenMailetConfig;
import io.mailsec.core.runtime.MailsecRuntime;
import io.mailsec.dkim.DkimResult;
import io.mailsec.dkim.james.DkimVerify;
import io.mailsec.spf.james.SpfCheck;

/**
 * DKIM verification, SPF and DMARC in one mailet step: exactly what {@link DkimVerify},
 * {@link SpfCheck} and {@link DmarcCheck} do one after another (same attributes, so every matcher
 * works as with the three), with one Authentication-Results header. One step instead of three: one
 * element to configure, and James spends a fixed amount per mailet step and mail (MDC, metrics,
 * matcher splitting).
 * <p>
 * Parameters are those of the three mailets, given once: {@code dnsServers}, {@code dnsTimeout},
 * {@code authservId}, {@code trustedNetworks} and {@code skipAuthenticated} go to every stage that
 * has them; {@code addHeader} (default true) is the combined Authentication-Results header;
 * {@code receivedSpf} (default false) adds SpfCheck's Received-SPF header as well.
 */
public class MailAuthCheck extends GenericMailet {
    private DkimVerify dkim;
    private SpfCheck spf;
    private DmarcCheck dmarc;

    private final MailsecRuntime runtime;

    /** Outside James (the CLI, tests): the standalone runtime. */
    public MailAuthCheck() {
        this(MailsecRuntime.standalone());
    }

    /** Inside James: the server's one runtime ({@code MailsecModule}). */
    @Inject
    public MailAuthCheck(MailsecRuntime runtime) {
        this.runtime = runtime;
    }

    /** Every init parameter: those of the three stages and receivedSpf. */
    public static final Set<String> PARAMETERS = Parameters.union(Parameters.union(DkimVerify.PARAMETERS, SpfCheck.PARAMETERS),
            Parameters.union(DmarcCheck.PARAMETERS, Set.of("receivedSpf")));

    @Override
    public void init() throws MessagingException {
        Parameters<MessagingException> p = Parameters.of(getMailetConfig(), PARAMETERS);
        boolean receivedSpf = p.bool("receivedSpf", false);
        String name = getMailetName();
        dkim = new DkimVerify(runtime);
        // DmarcCheck writes the one header with the DKIM results in it
        dkim.init(new OverriddenMailetConfig(getMailetConfig(), name + "/DkimVerify", DkimVerify.PARAMETERS,
                Map.of("addHeader", "false")));
        spf = new SpfCheck(runtime);
        spf.init(new OverriddenMailetConfig(getMailetConfig(), name + "/SpfCheck", SpfCheck.PARAMETERS,
                Map.of("addHeader", String.valueOf(receivedSpf))));
        dmarc = new DmarcCheck(runtime);
        dmarc.init(new OverriddenMailetConfig(getMailetConfig(), name + "/DmarcCheck", DmarcCheck.PARAMETERS, Map.of()));
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        List<DkimResult> dkimResults = dkim.verify(mail);
        spf.service(mail);
        // the DKIM results as DmarcCheck would read them from the attribute, without writing and parsing JSON again
        dmarc.check(mail, DkimResultsAttribute.fromResults(dkimResults));
    }

    @Override
    public void destroy() {
        for (Mailet stage : new Mailet[] {dkim, spf, dmarc}) {
            if (stage != null) {
                stage.destroy();
            }
        }
    }

    @Override
    public String getMailetInfo() {
        return "mailsec DKIM, SPF and DMARC checks in one step";
    }
}

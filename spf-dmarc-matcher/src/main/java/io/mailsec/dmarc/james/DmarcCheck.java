package io.mailsec.dmarc.james;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeUtility;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailsec.core.authres.AuthResult;
import io.mailsec.core.authres.AuthResultsHeader;
import io.mailsec.core.config.DnsParameters;
import io.mailsec.core.config.Parameters;
import io.mailsec.core.runtime.MailsecRuntime;
import io.mailsec.dmarc.DmarcEvaluator;
import io.mailsec.dmarc.DmarcInput;
import io.mailsec.dmarc.DmarcMode;
import io.mailsec.dmarc.DmarcPolicy;
import io.mailsec.dmarc.DmarcVerdict;
import io.mailsec.dmarc.FromDomains;
import io.mailsec.dmarc.PublicSuffixList;
import io.mailsec.spf.NetworkList;
import io.mailsec.spf.james.SpfAttributes;
import io.mailsec.spf.james.TrustedNetworksParameter;

/**
 * Evaluates DMARC from the SPF ({@code mailsec.spf.*}) and DKIM ({@code mailsec.dkim.results})
 * attributes of earlier stages, stores {@link DmarcAttributes} and writes one Authentication-Results
 * header (RFC 8601) with spf, dkim and dmarc results. Existing Authentication-Results headers that
 * claim our authserv-id are removed first (RFC 8601 §5).
 */
public class DmarcCheck extends GenericMailet {
    private static final Logger LOG = LoggerFactory.getLogger(DmarcCheck.class);

    private DmarcEvaluator dmarc;
    private String authservId;
    private boolean addHeader;
    private boolean skipAuthenticated;
    private NetworkList trustedNetworks;

    private final MailsecRuntime runtime;

    /** Outside James (the CLI, tests): the standalone runtime. */
    public DmarcCheck() {
        this(MailsecRuntime.standalone());
    }

    /** Inside James: the server's one runtime ({@code MailsecModule}). */
    @Inject
    public DmarcCheck(MailsecRuntime runtime) {
        this.runtime = runtime;
    }

    /** Every init parameter this mailet reads. */
    public static final Set<String> PARAMETERS = Parameters.union(DnsParameters.NAMES, Set.of("authservId", "addHeader",
            "skipAuthenticated", TrustedNetworksParameter.NAME, "mode", "temperrorDisposition", "parallelLookups", "publicSuffixList"));

    @Override
    public void init() throws MessagingException {
        Parameters<MessagingException> p = Parameters.of(getMailetConfig(), PARAMETERS);
        authservId = p.string("authservId", localHostName());
        if (authservId.contains(";") || authservId.contains(" ")) {
            throw p.bad("authservId", authservId, "a host name (no spaces or ';')");
        }
        addHeader = p.bool("addHeader", true);
        skipAuthenticated = p.bool("skipAuthenticated", true);
        trustedNetworks = TrustedNetworksParameter.read(p);
        DmarcMode mode = p.oneOf("mode", "rfc9989", List.of("rfc9989", "dmarcbis", "rfc7489")).equals("rfc7489")
                ? DmarcMode.RFC7489 : DmarcMode.RFC9989;
        // a temperror comes from the receiver's own DNS trouble: never rejected
        DmarcPolicy temperrorDisposition = DmarcPolicy.parse(p.oneOf("temperrorDisposition", "none", List.of("none", "quarantine")));
        DmarcEvaluator.Builder b = DmarcEvaluator.builder(DnsParameters.resolver(p, runtime)).mode(mode)
                .temperrorDisposition(temperrorDisposition)
                .executor(p.bool("parallelLookups", true) ? io.mailsec.spf.ParallelLookups.sharedExecutor() : null);
        Path psl = p.file("publicSuffixList");
        if (psl != null) {
            try {
                b.publicSuffixList(PublicSuffixList.load(psl));
            } catch (IOException | RuntimeException e) {
                throw p.bad("publicSuffixList", p.raw("publicSuffixList"), "a public suffix list file (" + psl + ": " + e.getMessage() + ")");
            }
        }
        dmarc = b.build();
    }

    private static String localHostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }

    /** For tests and embedding. */
    void setEvaluator(DmarcEvaluator evaluator) {
        this.dmarc = evaluator;
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        check(mail, null);
    }

    /**
     * The check; {@code dkimResults} are the DKIM stage's results when the caller has them at hand
     * (MailAuthCheck), null to read them from the {@value DkimResultsAttribute#NAME} attribute.
     */
    void check(Mail mail, List<DmarcInput.Dkim> dkimResults) throws MessagingException {
        if (skipAuthenticated && mail.getAttribute(Mail.SMTP_AUTH_USER).isPresent()) {
            set(mail, DmarcAttributes.SKIPPED, "authenticated");
            return;
        }
        if (trustedNetworks.contains(mail.getRemoteAddr())) {
            set(mail, DmarcAttributes.SKIPPED, "trusted-network");
            return;
        }
        MimeMessage message = mail.getMessage();
        List<String> from = new ArrayList<>();
        String[] fields = message.getHeader("From");
        if (fields != null) {
            for (String f : fields) {
                from.add(MimeUtility.unfold(f));
            }
        }
        String spfResult = string(mail, SpfAttributes.RESULT);
        String spfDomain = string(mail, SpfAttributes.DOMAIN);
        List<DmarcInput.Dkim> dkim = dkimResults != null ? dkimResults
                : mail.getAttribute(AttributeName.of(DkimResultsAttribute.NAME))
                        .map(a -> DkimResultsAttribute.parse(a.getValue())).orElse(List.of());
        DmarcInput input = DmarcInput.builder(FromDomains.parse(from)).spf(spfResult, spfDomain).dkim(dkim).build();
        DmarcVerdict v = dmarc.evaluate(input);

        set(mail, DmarcAttributes.RESULT, v.result().word());
        set(mail, DmarcAttributes.POLICY, v.policyWord());
        set(mail, DmarcAttributes.DISPOSITION, v.disposition().word());
        set(mail, DmarcAttributes.REASON, v.reason());
        if (v.fromDomain() != null) {
            set(mail, DmarcAttributes.FROM_DOMAIN, v.fromDomain());
        }
        if (LOG.isInfoEnabled()) {
            // The one INFO line per mail of the inbound checks: SpfCheck and DkimVerify log theirs at DEBUG.
            LOG.info("dmarc mail={} from={} result={} policy={} disposition={} spf={} dkim={} reason=\"{}\" ip={} spf.domain={}"
                    + " spf.helo={} dkim.results={}", mail.getName(), v.fromDomain(), v.result().word(), v.policyWord(),
                    v.disposition().word(), spfResult, dkim.size(), v.reason(), mail.getRemoteAddr(), spfDomain,
                    string(mail, SpfAttributes.HELO_RESULT), dkimSummary(dkim));
        }
        if (addHeader) {
            AuthResultsHeader ar = new AuthResultsHeader(authservId);
            if (spfResult != null) {
                String sender = mail.getMaybeSender().isNullSender() ? null : mail.getMaybeSender().asString();
                AuthResult.Builder spf = AuthResult.of("spf", spfResult);
                if (sender != null) {
                    spf.property("smtp.mailfrom", sender);
                } else {
                    spf.property("smtp.helo", spfDomain);
                }
                ar.add(spf.build());
            }
            if (dkim.isEmpty()) {
                ar.add(AuthResult.of("dkim", "none").build());
            }
            for (DmarcInput.Dkim d : dkim) {
                ar.add(AuthResult.of("dkim", d.result()).property("header.d", d.domain()).property("header.s", d.selector()).build());
            }
            ar.add(v.authResult());
            removeOurHeaders(message);
            // No saveChanges(): James saves once when it writes the message (see SpfCheck).
            message.addHeader(AuthResultsHeader.NAME, ar.value());
        }
    }

    /** "d/s=result,..." for the log line, "none" without signatures. */
    static String dkimSummary(List<DmarcInput.Dkim> dkim) {
        if (dkim.isEmpty()) {
            return "none";
        }
        StringBuilder b = new StringBuilder();
        for (DmarcInput.Dkim d : dkim) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(d.domain()).append('/').append(d.selector()).append('=').append(d.result());
        }
        return b.toString();
    }

    /** Drops Authentication-Results fields that claim our authserv-id (they can only be forged). */
    private void removeOurHeaders(MimeMessage message) throws MessagingException {
        String[] existing = message.getHeader(AuthResultsHeader.NAME);
        if (existing == null) {
            return;
        }
        List<String> keep = new ArrayList<>();
        boolean removed = false;
        for (String h : existing) {
            if (authservId.equalsIgnoreCase(AuthResultsHeader.authservIdOf(MimeUtility.unfold(h)))) {
                removed = true;
            } else {
                keep.add(h);
            }
        }
        if (removed) {
            message.removeHeader(AuthResultsHeader.NAME);
            for (String h : keep) {
                message.addHeader(AuthResultsHeader.NAME, h);
            }
        }
    }

    private static String string(Mail mail, String name) {
        Optional<Attribute> a = mail.getAttribute(AttributeName.of(name));
        return a.map(x -> x.getValue().value()).filter(String.class::isInstance).map(String.class::cast).orElse(null);
    }

    private static void set(Mail mail, String name, String value) {
        mail.setAttribute(new Attribute(AttributeName.of(name), AttributeValue.of(value == null ? "" : value)));
    }

    @Override
    public String getMailetInfo() {
        return "mailsec DMARC check (RFC 7489 / RFC 9989)";
    }
}

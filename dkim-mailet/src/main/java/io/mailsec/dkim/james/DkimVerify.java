package io.mailsec.dkim.james;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.server.core.MimeMessageWrapper;
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
import io.mailsec.core.dns.DnsResolver;
import io.mailsec.core.runtime.MailsecRuntime;
import io.mailsec.dkim.DkimResult;
import io.mailsec.dkim.DkimResultsJson;
import io.mailsec.dkim.DkimVerifier;
import io.mailsec.dkim.KeyRecords;

/**
 * Verifies every DKIM-Signature of the mail (up to {@code maxSignatures}), records the results in
 * the Mail attribute {@value #ATTRIBUTE} (a JSON string, see {@link DkimResultsJson}), removes incoming
 * Authentication-Results fields that claim {@code authservId} and, unless {@code addHeader=false},
 * prepends its own.
 */
public class DkimVerify extends GenericMailet {
    public static final String ATTRIBUTE = "mailsec.dkim.results";
    private static final Logger LOG = LoggerFactory.getLogger(DkimVerify.class);

    private DnsResolver dns;
    private DkimVerifier verifier;
    private String authservId;
    private boolean addHeader;

    private final MailsecRuntime runtime;

    /** Outside James (the CLI, tests): the standalone runtime. */
    public DkimVerify() {
        this(MailsecRuntime.standalone());
    }

    /** Inside James: the server's one runtime ({@code MailsecModule}). */
    @Inject
    public DkimVerify(MailsecRuntime runtime) {
        this.runtime = runtime;
    }

    /** For tests: a fixed resolver instead of {@code dnsServers}. */
    DkimVerify(DnsResolver dns) {
        this();
        this.dns = dns;
    }

    /** Every init parameter this mailet reads. */
    public static final Set<String> PARAMETERS = Parameters.union(DnsParameters.NAMES,
            Set.of("authservId", "maxSignatures", "clockSkew", "minRsaBits", "addHeader"));

    @Override
    public void init() throws MessagingException {
        Parameters<MessagingException> p = Parameters.of(getMailetConfig(), PARAMETERS);
        authservId = p.string("authservId", null);
        if (authservId == null) {
            try {
                authservId = InetAddress.getLocalHost().getCanonicalHostName();
            } catch (IOException e) {
                authservId = "localhost";
            }
        }
        if (!authservId.matches("[A-Za-z0-9._-]+")) {
            throw p.bad("authservId", authservId, "a host name");
        }
        int max = p.integer("maxSignatures", 5, 1, 100);
        Duration skew = p.duration("clockSkew", Duration.ofMinutes(5), Duration.ZERO);
        int minRsa = p.integer("minRsaBits", 1024, 1024, 16384);
        addHeader = p.bool("addHeader", true);
        // Shared with the SPF and DMARC stages: one cache, and dnsservice.xml's servers by default.
        DnsResolver configured = DnsParameters.resolver(p, runtime);
        if (dns == null) {
            dns = configured;
        }
        verifier = new DkimVerifier(dns, DkimVerifier.Options.defaults().maxSignatures(max).clockSkewSeconds(skew.toSeconds())
                .minRsaBits(minRsa), runtime.shared(KeyRecords.class, "dkim", KeyRecords::new));
        LOG.info("dkim.verify init authservId={} maxSignatures={} addHeader={}", authservId, max, addHeader);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        verify(mail);
    }

    /** Everything {@link #service} does; returns the results it recorded in the attribute. */
    public List<DkimResult> verify(Mail mail) throws MessagingException {
        MimeMessage message = mail.getMessage();
        List<DkimResult> results;
        DkimVerifier.Session session = verifier.newSession();
        try {
            copyReceivedMessage(message, session);
            results = session.results();
        } catch (IOException e) {
            throw new MessagingException("DkimVerify: cannot read message " + mail.getName() + ": " + e.getMessage(), e);
        }
        mail.setAttribute(new Attribute(AttributeName.of(ATTRIBUTE), AttributeValue.of(DkimResultsJson.toJson(results))));
        // DEBUG: DmarcCheck's INFO line carries every signature's result (d/s=result).
        if (LOG.isDebugEnabled()) {
            for (DkimResult r : results) {
                LOG.debug("dkim.verify mail={} domain={} selector={} algorithm={} result={} reason=\"{}\"", mail.getName(),
                        r.domain(), r.selector(), r.algorithm(), r.result(), r.reason());
            }
            if (results.isEmpty()) {
                LOG.debug("dkim.verify mail={} result=none reason=\"no signature\"", mail.getName());
            }
        }
        // RFC 8601 §5: incoming fields claiming our authserv-id go, whether or not we write our own
        if (addHeader) {
            Headers.rewrite(message, List.of(AuthResultsHeader.NAME + ": " + authenticationResults(results)), this::claimsOurId);
        } else if (message.getHeader(AuthResultsHeader.NAME) != null) {
            // only an Authentication-Results field can claim our id: without one there is nothing to rebuild
            Headers.rewrite(message, List.of(), this::claimsOurId);
        }
        return results;
    }

    /**
     * Streams the message as received into the verifier. James's own message class hands out its
     * source bytes (with any header edits) directly; {@code writeTo} would first run saveChanges(),
     * which re-parses multipart bodies and may add fields the signer never saw.
     */
    private static void copyReceivedMessage(MimeMessage message, OutputStream out) throws IOException, MessagingException {
        if (message instanceof MimeMessageWrapper) {
            try (InputStream in = ((MimeMessageWrapper) message).getMessageInputStream()) {
                in.transferTo(out);
            }
        } else {
            message.writeTo(out);
        }
    }

    private boolean claimsOurId(String line) {
        return Headers.name(line).equalsIgnoreCase(AuthResultsHeader.NAME)
                && authservId.equalsIgnoreCase(AuthResultsHeader.authservIdOf(Headers.value(line)));
    }

    /** The header value: one dkim resinfo per signature, or dkim=none. */
    String authenticationResults(List<DkimResult> results) {
        AuthResultsHeader h = new AuthResultsHeader(authservId);
        if (results.isEmpty()) {
            h.add(AuthResult.of("dkim", "none").reason("message not signed").build());
        }
        for (DkimResult r : results) {
            h.add(AuthResult.of("dkim", r.result()).reason(r.reason())
                    .property("header.d", r.domain())
                    .property("header.i", r.identity())
                    .property("header.s", r.selector())
                    .property("header.a", r.algorithm())
                    .property("header.b", r.shortB())
                    .build());
        }
        return h.value();
    }

    public String authservId() {
        return authservId;
    }

    @Override
    public String getMailetInfo() {
        return "mailsec DKIM verification (RFC 6376, RFC 8301, RFC 8463)";
    }
}

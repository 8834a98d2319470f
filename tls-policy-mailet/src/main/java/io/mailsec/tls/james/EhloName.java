package io.mailsec.tls.james;

import java.net.InetAddress;
import java.util.Comparator;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;

import io.mailsec.core.config.Parameters;
import io.mailsec.core.dns.DnsResolver;
import io.mailsec.core.dns.DnsResult;
import io.mailsec.core.dns.HostNames;
import io.mailsec.core.dns.MxRecord;
import io.mailsec.core.runtime.MailsecRuntime;

/**
 * The name outbound delivery says in EHLO and in its DSNs: the {@code heloName} parameter, else the
 * name smtpserver.xml gives the server, else the MX host of the postmaster's domain, else that domain,
 * else the machine's name. It must be a fully qualified domain name: many MTAs refuse {@code EHLO localhost}.
 */
final class EhloName {
    final String name;
    final String source;

    private EhloName(String name, String source) {
        this.name = name;
        this.source = source;
    }

    static EhloName choose(Parameters<MessagingException> p, MailsecRuntime runtime, MailAddress postmaster, DnsResolver dns)
            throws MessagingException {
        EhloName chosen = candidates(p, runtime, postmaster, dns);
        if (!HostNames.isFqdn(chosen.name)) {
            throw p.bad("heloName", chosen.name, "a fully qualified domain name (this one is " + chosen.source + "); set <heloName> on "
                    + "this mailet or <helloName autodetect=\"false\">mx.example.com</helloName> in smtpserver.xml: many MTAs "
                    + "refuse a client that says EHLO " + chosen.name);
        }
        return chosen;
    }

    private static EhloName candidates(Parameters<MessagingException> p, MailsecRuntime runtime, MailAddress postmaster, DnsResolver dns) {
        String param = p.string("heloName", null);
        if (param != null) {
            return new EhloName(param, "the heloName parameter");
        }
        if (runtime.serverName().isPresent()) {
            return new EhloName(runtime.serverName().get(), "smtpserver.xml's helloName");
        }
        if (postmaster != null && HostNames.isFqdn(postmaster.getDomain().asString())) {
            String domain = postmaster.getDomain().asString();
            DnsResult<MxRecord> mx = dns.mx(domain);
            if (mx.isOk()) {
                String host = mx.records().stream().min(Comparator.comparingInt(MxRecord::preference)).map(MxRecord::exchange).orElse("");
                if (HostNames.isFqdn(host)) {
                    return new EhloName(host.replaceFirst("\\.$", ""), "the MX host of the postmaster's domain " + domain);
                }
            }
            return new EhloName(domain, "the postmaster's domain");
        }
        try {
            return new EhloName(InetAddress.getLocalHost().getCanonicalHostName(), "this machine's host name");
        } catch (Exception e) {
            return new EhloName("localhost", "this machine's host name");
        }
    }
}

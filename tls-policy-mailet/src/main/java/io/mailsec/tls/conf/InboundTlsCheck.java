package io.mailsec.tls.conf;

import static io.mailsec.core.conf.JamesConfiguration.child;
import static io.mailsec.core.conf.JamesConfiguration.elements;
import static io.mailsec.core.conf.JamesConfiguration.jmxName;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

import io.mailsec.core.conf.ConfigurationCheck;
import io.mailsec.core.conf.Finding;
import io.mailsec.core.conf.JamesConfiguration;
import io.mailsec.tls.policy.PolicyMatch;
import io.mailsec.tls.policy.PolicyParseException;
import io.mailsec.tls.policy.PolicyParser;
import io.mailsec.tls.policy.TlsPolicy;

/** The TLS lists against the listeners that enforce them (check {@code inbound-tls}; {@code tls-policy} for a file that does not parse). */
public final class InboundTlsCheck implements ConfigurationCheck {
    /** An [inbound] list that requires TLS, enforced on a listener that does not offer STARTTLS with a key. */
    @Override
    public List<Finding> check(JamesConfiguration c) throws IOException {
        List<Finding> findings = new ArrayList<>();
        Document d = c.smtpserver();
        if (d == null) {
            return findings;
        }
        for (Element server : elements(d, "smtpserver")) {
            Element hook = null;
            for (Element h : elements(server, "handler")) {
                if (h.getAttribute("class").equals("io.mailsec.tls.james.InboundTlsPolicyHook")) {
                    hook = h;
                }
            }
            if (hook == null) {
                continue;
            }
            String file = child(hook, "policyFile");
            Path policyFile = c.resolve(file == null ? "conf/mailsec-tls.policy" : file);
            if (!Files.isReadable(policyFile)) {
                continue; // reported by the file check
            }
            TlsPolicy policy;
            try {
                policy = PolicyParser.parse(Files.readString(policyFile, StandardCharsets.UTF_8), policyFile.toString());
            } catch (PolicyParseException e) {
                findings.add(new Finding("tls-policy", policyFile.getFileName().toString(), e.getMessage()));
                continue;
            }
            List<PolicyMatch> required = policy.inbound().requiringTls();
            if (required.isEmpty()) {
                continue;
            }
            Element tls = elements(server, "tls").stream().findFirst().orElse(null);
            boolean startTls = tls != null && "true".equalsIgnoreCase(tls.getAttribute("startTLS"));
            boolean key = tls != null && (child(tls, "keystore") != null || child(tls, "privateKey") != null);
            if (!startTls || !key) {
                findings.add(new Finding("inbound-tls", "smtpserver.xml", jmxName(server) + " enforces the [inbound] list of " + policyFile.getFileName()
                        + ", which requires TLS for " + describe(required) + ", but does not offer STARTTLS with a key"
                        + " (<tls startTLS=\"true\"> with a keystore or privateKey): those peers would get 530 for a command"
                        + " that is not offered"));
            }
        }
        return findings;
    }

    private static String describe(List<PolicyMatch> matches) {
        List<String> s = new ArrayList<>();
        for (PolicyMatch m : matches) {
            s.add((m.isDefault() ? "default" : m.entry()) + " (" + m.level().name().toLowerCase(Locale.ROOT) + ", line " + m.line() + ")");
            if (s.size() == 3) {
                break;
            }
        }
        return String.join(", ", s) + (matches.size() > 3 ? " and " + (matches.size() - 3) + " more" : "");
    }

}

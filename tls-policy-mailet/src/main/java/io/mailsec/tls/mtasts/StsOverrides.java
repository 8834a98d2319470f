package io.mailsec.tls.mtasts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.mailsec.core.dns.HostNames;
import io.mailsec.tls.policy.PolicyParseException;

/**
 * The administrator's list of domains whose MTA-STS policy is ignored — e.g. a partner whose policy
 * names an MX it no longer uses, until they fix it. One domain per line, then the reason (required,
 * it is reported with every lookup); {@code #} starts a comment. The domain is matched exactly (a
 * policy belongs to exactly one domain). A bad line rejects the file, naming file and line.
 *
 * <pre>
 * # conf/mailsec-mta-sts.overrides
 * partner.example   policy lists mx1.partner.example, MX is mx.partner.example (ticket 4711)
 * </pre>
 */
public final class StsOverrides {
    private static final StsOverrides NONE = new StsOverrides(Map.of());
    private final Map<String, String> reasons;

    private StsOverrides(Map<String, String> reasons) {
        this.reasons = Collections.unmodifiableMap(reasons);
    }

    /** No overrides. */
    public static StsOverrides none() {
        return NONE;
    }

    /** Reads {@code file} (UTF-8). */
    public static StsOverrides read(Path file) throws IOException, PolicyParseException {
        return parse(file.toString(), Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    /** @param source names the lines in errors, e.g. the file */
    public static StsOverrides parse(String source, List<String> lines) throws PolicyParseException {
        Map<String, String> reasons = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            String content = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (content.isEmpty()) {
                continue;
            }
            String[] parts = content.split("\\s+", 2);
            String domain = normalise(parts[0]);
            if (!HostNames.isFqdn(domain)) {
                throw new PolicyParseException(source, i + 1, "'" + parts[0] + "' is not a domain name");
            }
            if (parts.length < 2) {
                throw new PolicyParseException(source, i + 1, "no reason after " + domain + " (write 'domain reason')");
            }
            if (reasons.putIfAbsent(domain, parts[1]) != null) {
                throw new PolicyParseException(source, i + 1, "duplicate domain " + domain);
            }
        }
        return new StsOverrides(reasons);
    }

    /** The reason {@code domain}'s policy is ignored, or empty when it is not listed. */
    public Optional<String> reason(String domain) {
        return Optional.ofNullable(reasons.get(normalise(domain)));
    }

    /** The listed domains and their reasons, in file order. */
    public Map<String, String> entries() {
        return reasons;
    }

    static String normalise(String domain) {
        String d = domain.strip().toLowerCase(Locale.ROOT);
        return d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
    }
}

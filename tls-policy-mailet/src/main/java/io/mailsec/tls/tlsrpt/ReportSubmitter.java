package io.mailsec.tls.tlsrpt;

import java.util.Objects;

/**
 * Who sends the reports: {@code organization-name}, {@code contact-info} (an address, RFC 8460 §4.4)
 * and the submitter's domain, which names the report in its id, file name, subject and
 * {@code TLS-Report-Submitter} header (§5.3). Usually James's own mail domain.
 */
public final class ReportSubmitter {
    private final String organizationName;
    private final String contactInfo;
    private final String domain;

    public ReportSubmitter(String organizationName, String contactInfo, String domain) {
        if (organizationName == null || organizationName.isBlank()) {
            throw new IllegalArgumentException("organization-name is required");
        }
        this.organizationName = organizationName.strip();
        this.contactInfo = Objects.requireNonNull(contactInfo, "contactInfo").strip();
        // RFC 8460 §4.4: an addr-spec (RFC 5322 §3.4.1); a local part and a domain is what can be checked without a full parser.
        int at = this.contactInfo.lastIndexOf('@');
        if (at <= 0 || at == this.contactInfo.length() - 1 || this.contactInfo.matches(".*[\\s<>].*")) {
            throw new IllegalArgumentException("contact-info must be an e-mail address (local@domain), got '" + contactInfo + "'");
        }
        DomainNames.normalize(this.contactInfo.substring(at + 1));
        this.domain = DomainNames.normalize(domain);
    }

    public String organizationName() {
        return organizationName;
    }

    public String contactInfo() {
        return contactInfo;
    }

    /** The submitter's domain (lower case, A-labels). */
    public String domain() {
        return domain;
    }
}

package io.mailsec.tls.policy;

/** What the subject of a policy entry names. */
public enum EntryKind {
    /** {@code user@example.com} */
    ADDRESS,
    /** {@code example.com}: that domain only. */
    DOMAIN,
    /** {@code .example.com}: the domain and all its subdomains. */
    DOMAIN_AND_SUBDOMAINS,
    /** {@code 192.0.2.1}, {@code 2001:db8::1} or a CIDR range {@code 192.0.2.0/24}. */
    IP,
    /** {@code default}: everything not listed. */
    DEFAULT
}

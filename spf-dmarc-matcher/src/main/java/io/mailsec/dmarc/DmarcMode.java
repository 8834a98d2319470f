package io.mailsec.dmarc;

/** Which specification decides policy discovery and the organizational domain. */
public enum DmarcMode {
    /** RFC 7489: _dmarc.<From domain>, then _dmarc.<organizational domain> from the Public Suffix List; pct sampling. */
    RFC7489,
    /** RFC 9989 (DMARCbis): DNS tree walk for the policy record and the organizational domain (psd tag); t=y testing. */
    RFC9989
}

package io.mailsec.tls.outbound;

import java.util.Optional;

/**
 * What a destination itself asks for, consulted where the administrator's list has no explicit entry
 * (the list's explicit entries win, including {@code none} and {@code may} as deliberate overrides):
 * the domain's MTA-STS policy. Empty: the list's default applies.
 */
public interface DestinationPolicy {
    DestinationPolicy NONE = domain -> Optional.empty();

    Optional<TlsRequirement> requirement(String domain);
}

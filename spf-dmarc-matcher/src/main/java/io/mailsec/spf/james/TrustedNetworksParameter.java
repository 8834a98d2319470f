package io.mailsec.spf.james;

import io.mailsec.spf.NetworkList;
import io.mailsec.core.config.Parameters;

/** A {@code trustedNetworks}-style parameter: a list of IPs and CIDR ranges. */
public final class TrustedNetworksParameter {
    public static final String NAME = "trustedNetworks";
    public static final String DEFAULT = "127.0.0.0/8, ::1";

    private TrustedNetworksParameter() {
    }

    public static <E extends Exception> NetworkList read(Parameters<E> p) throws E {
        String v = p.given(NAME); // empty: trust no network
        if (v == null) {
            v = DEFAULT;
        }
        try {
            return NetworkList.parse(v);
        } catch (IllegalArgumentException e) {
            throw p.bad(NAME, v, "IP addresses and CIDR ranges separated by commas (" + e.getMessage() + ")");
        }
    }
}

package io.mailsec.tls.outbound;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

import io.mailsec.tls.dane.DaneHost;
import io.mailsec.tls.policy.PolicyMatch;
import io.mailsec.tls.policy.TlsLevel;
import io.mailsec.tls.tlsrpt.AppliedPolicy;

/**
 * What delivery to one destination must achieve and who decided it, in this order of precedence: the
 * administrator's list (an explicit entry), DANE for the MX host (RFC 7672), the domain's own MTA-STS
 * policy (RFC 8461), or the list's default. Under MTA-STS
 * only the MX hosts the policy names may be used and the certificate must be valid for the MX host
 * itself (RFC 8461 §4.1, §4.2), and a failure is never final before the policy was looked up again
 * (§5.1), so it is retried rather than bounced at once.
 */
public final class TlsRequirement {
    /** Where the requirement came from; its word appears in the tracking log and the DSN. */
    public enum Source {
        LIST, DANE, MTA_STS, DEFAULT;

        public String word() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final TlsLevel level;
    private final Source source;
    private final String entry;
    private final Predicate<String> mxPermitted;
    private final String mxRule;
    private final AppliedPolicy reportedAs;
    private final DaneHost dane;

    private TlsRequirement(TlsLevel level, Source source, String entry, Predicate<String> mxPermitted, String mxRule,
                           AppliedPolicy reportedAs) {
        this(level, source, entry, mxPermitted, mxRule, reportedAs, null);
    }

    private TlsRequirement(TlsLevel level, Source source, String entry, Predicate<String> mxPermitted, String mxRule,
                           AppliedPolicy reportedAs, DaneHost dane) {
        this.dane = dane;
        this.level = level;
        this.source = source;
        this.entry = entry;
        this.mxPermitted = mxPermitted;
        this.mxRule = mxRule;
        this.reportedAs = reportedAs;
    }

    /** The administrator's list decided: an explicit entry, or its default. */
    public static TlsRequirement of(PolicyMatch match) {
        return new TlsRequirement(match.level(), match.isDefault() ? Source.DEFAULT : Source.LIST, match.entry(), null, null, null);
    }

    /**
     * An MTA-STS policy in {@code enforce} mode: {@code verify} against the MX host name, only on the MX
     * hosts {@code permits} accepts.
     *
     * @param entry  what the tracking log and DSN name, e.g. {@code mta-sts id=20261204T000000}
     * @param mxRule the policy's mx patterns as text, for the failure message
     * @param reportedAs the policy as TLS-RPT names it (null: as no-policy-found)
     */
    public static TlsRequirement mtaSts(String entry, Predicate<String> permits, String mxRule, AppliedPolicy reportedAs) {
        return new TlsRequirement(TlsLevel.VERIFY, Source.MTA_STS, entry, permits, mxRule, reportedAs);
    }

    /**
     * DANE for one MX host (RFC 7672): {@code verify} against its TLSA records when one is usable, else
     * {@code encrypt} (§2.2: records with none usable still mean the server does TLS). Either way never
     * plaintext, and a failure is retried (the records may be fixed, the next lookup may succeed).
     */
    public static TlsRequirement dane(DaneHost host) {
        if (host.kind() != DaneHost.Kind.DANE) {
            throw new IllegalArgumentException("DANE does not apply to " + host);
        }
        TlsLevel level = host.tlsa().hasUsable() ? TlsLevel.VERIFY : TlsLevel.ENCRYPT;
        return new TlsRequirement(level, Source.DANE, "tlsa _25._tcp." + host.tlsaBase(), null, null,
                AppliedPolicy.tlsa(host.tlsaBase(), host.host(), host.tlsa()), host);
    }

    /**
     * An MX host DANE says not to use now (a bogus or failed lookup on a signed zone): nothing may be
     * sent to it; TLS-RPT counts it under the host's tlsa policy.
     */
    private static TlsRequirement daneUnusable(DaneHost host) {
        return new TlsRequirement(TlsLevel.VERIFY, Source.DANE, "tlsa _25._tcp." + host.tlsaBase(), null, null,
                AppliedPolicy.tlsa(host.tlsaBase(), host.host(), java.util.List.of()), host);
    }

    /**
     * What applies to one MX host of a domain whose requirement is {@code domain}, given DANE's decision
     * for that host (RFC 7672 §2.2: DANE is per MX host): an explicit list entry stays; otherwise TLSA
     * records decide where they are usable or the lookup failed, and the domain's requirement where DANE
     * does not apply. Delivery and {@code mailsec tls check} both decide through this.
     */
    public static TlsRequirement forMxHost(TlsRequirement domain, DaneHost host) {
        if (domain.source == Source.LIST || host == null) {
            return domain;
        }
        switch (host.kind()) {
            case DANE:
                return dane(host);
            case UNUSABLE:
                return daneUnusable(host);
            default:
                return domain;
        }
    }

    /** The MX host's DANE decision when this requirement came from DANE, else null. */
    public DaneHost dane() {
        return dane;
    }

    public TlsLevel level() {
        return level;
    }

    public Source source() {
        return source;
    }

    public String entry() {
        return entry;
    }

    /** Whether delivery may use this MX host (every host unless a policy names them). */
    public boolean permits(String mxHost) {
        return mxPermitted == null || mxPermitted.test(mxHost.toLowerCase(Locale.ROOT).replaceFirst("\\.$", ""));
    }

    /**
     * The policy sessions under this requirement are counted under in TLS-RPT (RFC 8460 §4.4); empty:
     * {@code no-policy-found} for the recipient domain (the administrator's list is no published policy).
     */
    public Optional<AppliedPolicy> reportedAs() {
        return Optional.ofNullable(reportedAs);
    }

    /** The MX rule that restricts hosts, null when none does. */
    public String mxRule() {
        return mxRule;
    }

    /** The certificate must name the MX host; the recipient domain does not count (RFC 8461 §4.2). */
    public boolean mxNameOnly() {
        return source == Source.MTA_STS;
    }

    /** A TLS failure under this requirement may be final at once (an administrator's choice); MTA-STS's and DANE's never are. */
    public boolean mayBounceAtOnce() {
        return source != Source.MTA_STS && source != Source.DANE;
    }

    /** Part of the session-reuse key: sessions are shared only under the same decision. */
    String key() {
        return level + "/" + source + "/" + (mxRule == null ? "" : mxRule) + "/" + (dane == null ? "" : dane.tlsa());
    }

    @Override
    public String toString() {
        return level.word() + " (" + source.word() + ", " + entry + ")";
    }
}

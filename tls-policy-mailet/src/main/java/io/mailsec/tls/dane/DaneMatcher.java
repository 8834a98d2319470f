package io.mailsec.tls.dane;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides whether a server's certificate chain is authenticated by its TLSA RRset under the SMTP
 * rules of RFC 7672 (on RFC 6698 and RFC 7671). Knows nothing of DNS: the caller gives it the
 * DNSSEC-validated RRset of {@code _25._tcp.<mx host>} and the reference names.
 *
 * <ul>
 * <li><b>DANE-EE(3)</b> (RFC 7672 §3.1.1): the server certificate (selector Cert) or its public key
 * (SPKI) must match; names, validity dates and the rest of the chain are ignored.</li>
 * <li><b>DANE-TA(2)</b> (RFC 7672 §3.1.2, RFC 7671 §5.2): a certificate the server sent above its
 * own must match, or, for Full(0) data, the record's certificate or bare public key (RFC 7671
 * §5.2.2) must have issued one of them; the path from the server certificate to that anchor must
 * then validate at the current time ({@link TrustAnchorPath}) and the server certificate must carry
 * a reference name ({@link ReferenceNames}, RFC 7672 §3.2.3).</li>
 * <li><b>PKIX-TA(0), PKIX-EE(1)</b> and unknown parameters: unusable ({@link TlsaRecordSet}).</li>
 * <li><b>Digest agility</b> (RFC 7671 §9): where the RRset has SHA2-512 and SHA2-256 records of the
 * same usage and selector, only the SHA2-512 ones are used; Full(0) records always are.</li>
 * </ul>
 * Every usable record is evaluated, so the verdict says of each why it did or did not match.
 */
public final class DaneMatcher {
    private final Clock clock;

    /** Checks validity dates (DANE-TA only) against the system clock. */
    public DaneMatcher() {
        this(Clock.systemUTC());
    }

    public DaneMatcher(Clock clock) {
        this.clock = clock;
    }

    /**
     * @param chain the certificates the server sent, its own first (any order after it)
     * @param tlsa  the server's TLSA RRset; must hold at least one record (with none, DANE does not apply)
     * @param names the reference names (RFC 7672 §3.2.2), used by DANE-TA(2) records only
     * @throws IllegalArgumentException when {@code tlsa} is empty
     */
    public DaneVerdict match(List<X509Certificate> chain, TlsaRecordSet tlsa, ReferenceNames names) {
        if (tlsa.isEmpty()) {
            throw new IllegalArgumentException("no TLSA records: DANE does not apply to this server");
        }
        List<RecordResult> results = new ArrayList<>();
        if (tlsa.hasUsable()) {
            Evaluation e = new Evaluation(ChainOrder.fromLeaf(chain), names);
            for (TlsaRecord r : tlsa.usable()) {
                results.add(weakerDigest(r, tlsa.usable()) ? RecordResult.of(r, RecordStatus.IGNORED_WEAKER_DIGEST, -1,
                        "a SHA2-512 record of the same usage and selector is used instead (RFC 7671 §9)") : e.evaluate(r));
            }
        }
        RecordResult best = null;
        for (RecordResult r : results) {
            if (r.status() == RecordStatus.MATCHED && (best == null || r.depth() < best.depth())) {
                best = r;
            }
        }
        for (UnusableRecord u : tlsa.unusable()) {
            results.add(RecordResult.unusable(u));
        }
        DaneVerdict.Outcome outcome = best != null ? DaneVerdict.Outcome.AUTHENTICATED
                : tlsa.hasUsable() ? DaneVerdict.Outcome.NOT_AUTHENTICATED : DaneVerdict.Outcome.NO_USABLE_RECORDS;
        return new DaneVerdict(outcome, best, results);
    }

    /** RFC 7671 §9: a SHA2-256 record is not used when a SHA2-512 one of the same usage and selector exists. */
    private static boolean weakerDigest(TlsaRecord r, List<TlsaRecord> all) {
        if (r.matchingType() != MatchingType.SHA2_256.code()) {
            return false;
        }
        for (TlsaRecord o : all) {
            if (o.usage() == r.usage() && o.selector() == r.selector() && o.matchingType() == MatchingType.SHA2_512.code()) {
                return true;
            }
        }
        return false;
    }

    /** One chain against the records, with the selected content of each certificate computed once. */
    private final class Evaluation {
        private final List<X509Certificate> path;
        private final ReferenceNames names;
        private final Map<String, byte[]> selected = new HashMap<>();

        Evaluation(List<X509Certificate> path, ReferenceNames names) {
            this.path = path;
            this.names = names;
        }

        RecordResult evaluate(TlsaRecord r) {
            if (path.isEmpty()) {
                return RecordResult.of(r, RecordStatus.NO_MATCH, -1, "the server sent no certificate");
            }
            return r.usage() == CertUsage.DANE_EE.code() ? endEntity(r) : trustAnchor(r);
        }

        private RecordResult endEntity(TlsaRecord r) {
            if (matches(r, 0)) {
                return RecordResult.of(r, RecordStatus.MATCHED, 0, "the server certificate " + subject(path.get(0))
                        + " (names and dates are not checked, RFC 7672 §3.1.1)");
            }
            return RecordResult.of(r, RecordStatus.NO_MATCH, -1, "not the server certificate " + subject(path.get(0)));
        }

        private RecordResult trustAnchor(TlsaRecord r) {
            Optional<X509Certificate> dnsCert = Optional.empty();
            Optional<PublicKey> dnsKey = Optional.empty();
            if (r.matchingType() == MatchingType.FULL.code()) {
                byte[] d = r.associationData();
                if (r.selector() == Selector.CERT.code()) {
                    dnsCert = FullData.certificate(d);
                } else {
                    dnsKey = FullData.publicKey(d);
                }
            }
            // Walk up from the leaf: the anchor nearest the server certificate is the one OpenSSL uses.
            for (int d = 0; d < path.size(); d++) {
                X509Certificate c = path.get(d);
                if (d > 0 && matches(r, d)) {
                    return anchored(r, d, d, c, c.getPublicKey(), "certificate " + subject(c) + " sent by the server");
                }
                if (dnsCert.isPresent() && c.getIssuerX500Principal().equals(dnsCert.get().getSubjectX500Principal())
                        && ChainOrder.signs(dnsCert.get(), c)) {
                    return anchored(r, d + 1, d + 1, dnsCert.get(), dnsCert.get().getPublicKey(),
                            "certificate " + subject(dnsCert.get()) + " from the record, issuer of " + subject(c));
                }
                if (dnsKey.isPresent() && ChainOrder.verifies(dnsKey.get(), c)) {
                    return anchored(r, d + 1, d, null, dnsKey.get(), "public key from the record, which signed " + subject(c));
                }
            }
            return RecordResult.of(r, RecordStatus.NO_MATCH, -1, "matches no issuer certificate the server sent"
                    + (r.matchingType() == MatchingType.FULL.code() ? " and issued none of them" : "")
                    + " (chain: " + describePath() + ")");
        }

        /**
         * @param below how many certificates lie below the anchor
         * @param depth the depth to report ({@link RecordResult#depth()})
         */
        private RecordResult anchored(TlsaRecord r, int below, int depth, X509Certificate anchor, PublicKey key, String what) {
            X509Certificate leaf = path.get(0);
            if (names.matchedBy(leaf).isEmpty()) {
                return RecordResult.of(r, RecordStatus.NAME_MISMATCH, depth, "trust anchor " + what + ", but the server certificate names "
                        + ReferenceNames.presentedNames(leaf) + ", none of " + names.names() + " (RFC 7672 §3.2.3)");
            }
            TrustAnchorPath.Failure f = TrustAnchorPath.validate(path.subList(0, below), anchor, key, clock.instant());
            if (f != null) {
                return RecordResult.of(r, f.status, depth, "trust anchor " + what + ", but " + f.detail);
            }
            return RecordResult.of(r, RecordStatus.MATCHED, depth, "trust anchor " + what + "; the path validates and the server certificate names "
                    + names.matchedBy(leaf).get());
        }

        private boolean matches(TlsaRecord r, int depth) {
            Selector s = r.selectorKind().orElseThrow();
            byte[] content = selected.computeIfAbsent(depth + "/" + s, k -> SelectedContent.of(path.get(depth), s));
            return r.dataEquals(r.matchingKind().orElseThrow().apply(content));
        }

        private String describePath() {
            StringBuilder sb = new StringBuilder();
            for (X509Certificate c : path) {
                sb.append(sb.length() > 0 ? " <- " : "").append(subject(c));
            }
            return sb.toString();
        }
    }

    private static String subject(X509Certificate c) {
        String s = c.getSubjectX500Principal().getName();
        return s.isEmpty() ? "(empty subject)" : s;
    }
}

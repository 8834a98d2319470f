package io.mailsec.tls.dane;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The TLSA RRset of one TLSA base domain ({@code _25._tcp.<mx host>}), split into the records an SMTP
 * client can use and those it cannot (each with the reason). Nothing is dropped silently: an
 * unusable record is kept in {@link #unusable()} for the log and for TLS-RPT.
 *
 * <p>A record is usable when its usage is DANE-TA(2) or DANE-EE(3) (the PKIX usages are "unusable"
 * for SMTP, RFC 7672 §3.1.3), its selector and matching type are assigned ones (RFC 6698 §2.1; an
 * unknown one makes the record unusable, RFC 7671 §4), a digest has its digest's length, and
 * Full(0) data is a certificate or public key. An RRset with records but none usable is "unusable"
 * (RFC 7672 §2.2): the connection still needs TLS but cannot be authenticated by DANE.
 */
public final class TlsaRecordSet {
    private final List<TlsaRecord> usable;
    private final List<UnusableRecord> unusable;

    private TlsaRecordSet(List<TlsaRecord> usable, List<UnusableRecord> unusable) {
        this.usable = List.copyOf(usable);
        this.unusable = List.copyOf(unusable);
    }

    /** Sorts {@code records} into usable and unusable ones. */
    public static TlsaRecordSet of(Collection<TlsaRecord> records) {
        List<TlsaRecord> ok = new ArrayList<>();
        List<UnusableRecord> bad = new ArrayList<>();
        for (TlsaRecord r : records) {
            Optional<String> why = whyUnusable(r);
            if (why.isPresent()) {
                bad.add(new UnusableRecord(r.presentation(), r, why.get()));
            } else {
                ok.add(r);
            }
        }
        return new TlsaRecordSet(ok, bad);
    }

    /** Reads each line with {@link TlsaRecord#parse}; a line that cannot be read is an unusable record. */
    public static TlsaRecordSet parse(Collection<String> presentation) {
        List<TlsaRecord> read = new ArrayList<>();
        List<UnusableRecord> malformed = new ArrayList<>();
        for (String line : presentation) {
            try {
                read.add(TlsaRecord.parse(line));
            } catch (TlsaParseException e) {
                malformed.add(new UnusableRecord(line.trim(), null, "malformed: " + e.getMessage()));
            }
        }
        return withMalformed(of(read), malformed);
    }

    /** Reads each rdata with {@link TlsaRecord#fromWire}; rdata that cannot be read is an unusable record. */
    public static TlsaRecordSet fromWire(Collection<byte[]> rdatas) {
        List<TlsaRecord> read = new ArrayList<>();
        List<UnusableRecord> malformed = new ArrayList<>();
        for (byte[] rdata : rdatas) {
            try {
                read.add(TlsaRecord.fromWire(rdata));
            } catch (TlsaParseException e) {
                malformed.add(new UnusableRecord("\\# " + rdata.length + " " + hex(rdata), null, "malformed: " + e.getMessage()));
            }
        }
        return withMalformed(of(read), malformed);
    }

    private static TlsaRecordSet withMalformed(TlsaRecordSet set, List<UnusableRecord> malformed) {
        List<UnusableRecord> all = new ArrayList<>(set.unusable);
        all.addAll(malformed);
        return new TlsaRecordSet(set.usable, all);
    }

    /** Why an SMTP client cannot use {@code r}; empty when it can. */
    static Optional<String> whyUnusable(TlsaRecord r) {
        Optional<CertUsage> usage = r.certUsage();
        if (usage.isEmpty()) {
            return Optional.of("unknown certificate usage " + r.usage() + " (RFC 6698 §2.1.1)");
        }
        if (usage.get() == CertUsage.PKIX_TA || usage.get() == CertUsage.PKIX_EE) {
            return Optional.of(usage.get().mnemonic() + "(" + r.usage() + ") is unusable for SMTP (RFC 7672 §3.1.3)");
        }
        Optional<Selector> selector = r.selectorKind();
        if (selector.isEmpty()) {
            return Optional.of("unknown selector " + r.selector() + " (RFC 6698 §2.1.2)");
        }
        Optional<MatchingType> type = r.matchingKind();
        if (type.isEmpty()) {
            return Optional.of("unknown matching type " + r.matchingType() + " (RFC 6698 §2.1.3)");
        }
        if (type.get().isDigest() && r.dataLength() != type.get().digestLength()) {
            return Optional.of(type.get().mnemonic() + " data of " + r.dataLength() + " bytes, not " + type.get().digestLength()
                    + ": it can match nothing");
        }
        if (type.get() == MatchingType.FULL) {
            byte[] d = r.associationData();
            // A DANE-EE(3) certificate is only compared byte for byte, so it need only look like one
            // (the JDK's parser refuses some well-formed ones, e.g. with an empty issuer name);
            // a DANE-TA(2) one is the trust anchor itself and must be read.
            boolean readable = selector.get() == Selector.SPKI ? FullData.publicKey(d).isPresent()
                    : usage.get() == CertUsage.DANE_EE ? Der.isOneSequence(d) : FullData.certificate(d).isPresent();
            if (!readable) {
                return Optional.of("Full(0) data is not a DER " + (selector.get() == Selector.CERT ? "certificate" : "SubjectPublicKeyInfo"));
            }
        }
        return Optional.empty();
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(String.format(Locale.ROOT, "%02X", x & 0xff));
        }
        return sb.toString();
    }

    /** The records DANE authentication uses, in the order given. */
    public List<TlsaRecord> usable() {
        return usable;
    }

    /** The records it cannot use, each with its reason. */
    public List<UnusableRecord> unusable() {
        return unusable;
    }

    /** At least one usable record: the server must then authenticate by DANE (RFC 7672 §2.2). */
    public boolean hasUsable() {
        return !usable.isEmpty();
    }

    /** No records at all (the caller's case of "no TLSA RRset"; DANE does not apply). */
    public boolean isEmpty() {
        return usable.isEmpty() && unusable.isEmpty();
    }

    @Override
    public String toString() {
        return "TlsaRecordSet{usable=" + usable + ", unusable=" + unusable + "}";
    }
}

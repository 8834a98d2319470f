package io.mailsec.core.dns;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * The one TXT record at a name that begins with a version tag, as MTA-STS (RFC 8461 §3.1) and TLS-RPT
 * (RFC 8460 §3) discover theirs: records with another beginning are ignored, and none or several mean
 * the domain publishes nothing; a DNS failure is kept apart, since it says nothing either way.
 */
public final class SingleTxtRecord {
    /** The kinds of answer. */
    public enum Kind {
        /** Exactly one record with the tag: {@link #record()} is set. */
        FOUND,
        /** No TXT record, none with the tag, or several. */
        NONE,
        /** DNS failed (timeout, SERVFAIL): nothing is known. */
        TEMPFAIL
    }

    private final Kind kind;
    private final String record;
    private final String detail;

    private SingleTxtRecord(Kind kind, String record, String detail) {
        this.kind = kind;
        this.record = record;
        this.detail = detail;
    }

    /**
     * @param tagged   whether a record begins with the version tag
     * @param tag      the tag as people read it, e.g. {@code v=STSv1}
     * @param several  what {@code n} tagged records mean, said for a person
     */
    public static SingleTxtRecord find(DnsResolver dns, String name, Predicate<String> tagged, String tag, IntFunction<String> several) {
        DnsResult<String> txt = dns.txt(name);
        if (txt.status().isTemporary()) {
            return new SingleTxtRecord(Kind.TEMPFAIL, null, "TXT lookup of " + name + " failed: " + txt.detail());
        }
        if (!txt.isOk()) {
            return new SingleTxtRecord(Kind.NONE, null, "no TXT record at " + name + " (" + txt.status() + ")");
        }
        List<String> found = new ArrayList<>();
        for (String r : txt.records()) {
            if (tagged.test(r)) {
                found.add(r);
            }
        }
        if (found.isEmpty()) {
            return new SingleTxtRecord(Kind.NONE, null, "no TXT record at " + name + " begins with " + tag);
        }
        if (found.size() > 1) {
            return new SingleTxtRecord(Kind.NONE, null, several.apply(found.size()));
        }
        return new SingleTxtRecord(Kind.FOUND, found.get(0), "TXT " + name + ": " + found.get(0));
    }

    public Kind kind() {
        return kind;
    }

    /** The record when {@link Kind#FOUND}, else null. */
    public String record() {
        return record;
    }

    /** What was found, for a person. */
    public String detail() {
        return detail;
    }
}

package io.mailsec.tls.tlsrpt;

import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The sessions of one UTC day, added up: per Policy Domain, per applied policy, successes and failure
 * details with their counts. What a day's reports are built from; read from the store each time, so
 * it is the same before and after a restart.
 */
public final class DayTally {
    private final LocalDate day;
    private final Map<String, Map<AppliedPolicy, PolicyTally>> domains = new TreeMap<>();
    private long sessions;
    private long skipped;

    private DayTally(LocalDate day) {
        this.day = day;
    }

    /** Everything {@code store} holds for {@code day}. */
    public static DayTally read(TlsRptStore store, LocalDate day) throws IOException {
        DayTally t = new DayTally(day);
        t.skipped = store.read(day, t::add);
        return t;
    }

    private void add(SessionRecord r) {
        if (!r.day().equals(day)) {
            return; // a store is free to hand out more; a report covers its day only
        }
        domains.computeIfAbsent(r.policy().domain(), d -> new LinkedHashMap<>())
                .computeIfAbsent(r.policy(), PolicyTally::new).add(r);
        sessions++;
    }

    public LocalDate day() {
        return day;
    }

    /** The Policy Domains with sessions that day, sorted. */
    public SortedSet<String> domains() {
        return new TreeSet<>(domains.keySet());
    }

    /** The applied policies of {@code domain}, in the order first seen; empty for a domain without sessions. */
    public List<PolicyTally> policies(String domain) {
        Map<AppliedPolicy, PolicyTally> m = domains.get(DomainNames.normalize(domain));
        return m == null ? List.of() : List.copyOf(new ArrayList<>(m.values()));
    }

    /** Sessions read. */
    public long sessions() {
        return sessions;
    }

    /** Stored entries that could not be read (see {@link TlsRptStore#read}). */
    public long skipped() {
        return skipped;
    }
}

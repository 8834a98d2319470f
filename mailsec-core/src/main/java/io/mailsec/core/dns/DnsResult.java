package io.mailsec.core.dns;

import java.util.List;
import java.util.Objects;

/**
 * An answer to one DNS query: a status, the records (empty unless {@link DnsStatus#OK}) and
 * the TTL in seconds that caches may honour (the SOA minimum for negative answers).
 */
public final class DnsResult<T> {
    private final DnsStatus status;
    private final List<T> records;
    private final long ttlSeconds;
    private final String detail;

    private DnsResult(DnsStatus status, List<T> records, long ttlSeconds, String detail) {
        this.status = Objects.requireNonNull(status);
        this.records = List.copyOf(records);
        this.ttlSeconds = ttlSeconds;
        this.detail = detail;
    }

    public static <T> DnsResult<T> ok(List<T> records, long ttlSeconds) {
        if (records.isEmpty()) {
            return new DnsResult<>(DnsStatus.NODATA, records, ttlSeconds, "no records");
        }
        return new DnsResult<>(DnsStatus.OK, records, ttlSeconds, null);
    }

    public static <T> DnsResult<T> of(DnsStatus status, long ttlSeconds, String detail) {
        if (status == DnsStatus.OK) {
            throw new IllegalArgumentException("use ok(records, ttl) for answers with data");
        }
        return new DnsResult<>(status, List.of(), ttlSeconds, detail);
    }

    public DnsStatus status() {
        return status;
    }

    public List<T> records() {
        return records;
    }

    public long ttlSeconds() {
        return ttlSeconds;
    }

    /** A human-readable reason for non-OK answers (e.g. "timeout after 5000 ms from 127.0.0.53"). */
    public String detail() {
        return detail == null ? status.name() : detail;
    }

    public boolean isOk() {
        return status == DnsStatus.OK;
    }

    @Override
    public String toString() {
        return status == DnsStatus.OK ? "OK" + records : status + "(" + detail() + ")";
    }
}

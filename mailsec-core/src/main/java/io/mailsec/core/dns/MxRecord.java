package io.mailsec.core.dns;

/** One MX record: preference and exchange host name (without trailing dot). */
public final class MxRecord {
    private final int preference;
    private final String exchange;

    public MxRecord(int preference, String exchange) {
        this.preference = preference;
        this.exchange = exchange;
    }

    public int preference() {
        return preference;
    }

    public String exchange() {
        return exchange;
    }

    @Override
    public String toString() {
        return preference + " " + exchange;
    }
}

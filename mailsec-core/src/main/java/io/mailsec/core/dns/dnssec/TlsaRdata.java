package io.mailsec.core.dns.dnssec;

import java.util.Arrays;

/**
 * The RDATA of one TLSA record (RFC 6698 §2.1) as it came over the wire: what
 * {@code io.mailsec.tls.dane.TlsaRecordSet.fromWire} reads. Kept as bytes because judging a record
 * (usable or not, RFC 7672 §3.1.3) is the matcher's job, not the lookup's; copied in and out so that
 * a cached answer cannot be changed by a caller.
 */
public final class TlsaRdata {
    private final byte[] wire;

    public TlsaRdata(byte[] wire) {
        this.wire = wire.clone();
    }

    /** A copy of the RDATA: usage, selector, matching type, then the association data. */
    public byte[] wire() {
        return wire.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TlsaRdata && Arrays.equals(wire, ((TlsaRdata) o).wire);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(wire);
    }

    /** Presentation form ({@code 3 1 1 ABCD...}), or RFC 3597 form when too short to have the three fields. */
    @Override
    public String toString() {
        if (wire.length < 3) {
            return "\\# " + wire.length + " " + hex(wire, 0);
        }
        return (wire[0] & 0xff) + " " + (wire[1] & 0xff) + " " + (wire[2] & 0xff) + " " + hex(wire, 3);
    }

    private static String hex(byte[] b, int from) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < b.length; i++) {
            sb.append(Character.toUpperCase(Character.forDigit((b[i] >> 4) & 0xf, 16)))
                    .append(Character.toUpperCase(Character.forDigit(b[i] & 0xf, 16)));
        }
        return sb.toString();
    }
}

package io.mailsec.tls.dane;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One TLSA record (RFC 6698 §2.1): certificate usage, selector, matching type and certificate
 * association data. The three parameters are kept as the numbers the DNS gave, assigned or not, so
 * that a record with an unknown parameter can still be shown and reported as unusable
 * ({@link TlsaRecordSet}) instead of disappearing.
 */
public final class TlsaRecord {
    private final int usage;
    private final int selector;
    private final int matchingType;
    private final byte[] data;

    /**
     * @throws IllegalArgumentException when a parameter is outside 0–255 (it could not come from the DNS)
     */
    public TlsaRecord(int usage, int selector, int matchingType, byte[] associationData) {
        this.usage = octet(usage, "usage");
        this.selector = octet(selector, "selector");
        this.matchingType = octet(matchingType, "matching type");
        this.data = associationData.clone();
    }

    private static int octet(int v, String what) {
        if (v < 0 || v > 255) {
            throw new IllegalArgumentException(what + " " + v + " is not an octet (0-255)");
        }
        return v;
    }

    /**
     * Reads the RFC 6698 §2.2 presentation form: {@code 3 1 1 0C72AC70...}, whitespace allowed inside
     * the hex. A zone-file line ({@code _25._tcp.mx.example. 3600 IN TLSA 3 1 1 ...}) is read from
     * after its {@code TLSA} token, and the RFC 3597 generic form ({@code \# 35 030101...}) as rdata.
     */
    public static TlsaRecord parse(String text) throws TlsaParseException {
        List<String> tokens = new ArrayList<>(Arrays.asList(text.trim().split("\\s+")));
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).equalsIgnoreCase("TLSA")) {
                tokens = new ArrayList<>(tokens.subList(i + 1, tokens.size()));
                break;
            }
        }
        tokens.removeIf(t -> t.equals("(") || t.equals(")") || t.isEmpty());
        if (!tokens.isEmpty() && tokens.get(0).equals("\\#")) {
            return genericForm(text, tokens);
        }
        if (tokens.size() < 4) {
            throw new TlsaParseException("not a TLSA record (expected usage, selector, matching type and hex data): '" + text.trim() + "'");
        }
        int u = number(tokens.get(0), "usage", text);
        int s = number(tokens.get(1), "selector", text);
        int m = number(tokens.get(2), "matching type", text);
        byte[] d = hex(String.join("", tokens.subList(3, tokens.size())), text);
        return new TlsaRecord(u, s, m, d);
    }

    private static TlsaRecord genericForm(String text, List<String> tokens) throws TlsaParseException {
        if (tokens.size() < 2) {
            throw new TlsaParseException("generic form without a length: '" + text.trim() + "'");
        }
        int length;
        try {
            length = Integer.parseInt(tokens.get(1));
        } catch (NumberFormatException e) {
            throw new TlsaParseException("generic form length '" + tokens.get(1) + "' is not a number: '" + text.trim() + "'");
        }
        byte[] rdata = hex(String.join("", tokens.subList(2, tokens.size())), text);
        if (rdata.length != length) {
            throw new TlsaParseException("generic form says " + length + " bytes but has " + rdata.length + ": '" + text.trim() + "'");
        }
        return fromWire(rdata);
    }

    /** Reads TLSA rdata as it comes off the wire (RFC 6698 §2.1): three octets, then the data. */
    public static TlsaRecord fromWire(byte[] rdata) throws TlsaParseException {
        if (rdata.length < 3) {
            throw new TlsaParseException("TLSA rdata of " + rdata.length + " bytes (at least 3 needed)");
        }
        return new TlsaRecord(rdata[0] & 0xff, rdata[1] & 0xff, rdata[2] & 0xff, Arrays.copyOfRange(rdata, 3, rdata.length));
    }

    private static int number(String token, String what, String text) throws TlsaParseException {
        if (!token.matches("[0-9]{1,3}") || Integer.parseInt(token) > 255) {
            throw new TlsaParseException(what + " '" + token + "' is not a number 0-255: '" + text.trim() + "'");
        }
        return Integer.parseInt(token);
    }

    private static byte[] hex(String hex, String text) throws TlsaParseException {
        if (hex.length() % 2 != 0 || !hex.matches("[0-9A-Fa-f]*")) {
            throw new TlsaParseException("association data is not an even number of hex digits: '" + text.trim() + "'");
        }
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    public int usage() {
        return usage;
    }

    public int selector() {
        return selector;
    }

    public int matchingType() {
        return matchingType;
    }

    /** The usage if it is one RFC 6698 assigns. */
    public Optional<CertUsage> certUsage() {
        return CertUsage.of(usage);
    }

    public Optional<Selector> selectorKind() {
        return Selector.of(selector);
    }

    public Optional<MatchingType> matchingKind() {
        return MatchingType.of(matchingType);
    }

    /** The certificate association data (a copy). */
    public byte[] associationData() {
        return data.clone();
    }

    /** Whether {@code candidate} equals the association data (constant time is not needed: the data is public). */
    boolean dataEquals(byte[] candidate) {
        return Arrays.equals(data, candidate);
    }

    int dataLength() {
        return data.length;
    }

    /** The rdata as on the wire. */
    public byte[] toWire() {
        byte[] out = new byte[3 + data.length];
        out[0] = (byte) usage;
        out[1] = (byte) selector;
        out[2] = (byte) matchingType;
        System.arraycopy(data, 0, out, 3, data.length);
        return out;
    }

    /** The presentation form, upper-case hex: {@code 3 1 1 0C72AC70...}. */
    public String presentation() {
        StringBuilder sb = new StringBuilder().append(usage).append(' ').append(selector).append(' ').append(matchingType).append(' ');
        for (byte b : data) {
            sb.append(String.format(Locale.ROOT, "%02X", b & 0xff));
        }
        return sb.toString();
    }

    /** The presentation form with the data shortened, for logs and reasons: {@code 3 1 1 0C72AC70...(32 bytes)}; ASCII, as DSN fields must be. */
    public String shortForm() {
        String p = presentation();
        int head = String.valueOf(usage).length() + String.valueOf(selector).length() + String.valueOf(matchingType).length() + 3;
        return p.length() <= head + 16 ? p : p.substring(0, head + 16) + "...(" + data.length + " bytes)";
    }

    /** The RFC 7218 name of the parameters, e.g. {@code DANE-EE SPKI SHA2-256}; numbers where unassigned. */
    public String mnemonic() {
        return certUsage().map(CertUsage::mnemonic).orElse(String.valueOf(usage)) + " "
                + selectorKind().map(Selector::mnemonic).orElse(String.valueOf(selector)) + " "
                + matchingKind().map(MatchingType::mnemonic).orElse(String.valueOf(matchingType));
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TlsaRecord)) {
            return false;
        }
        TlsaRecord r = (TlsaRecord) o;
        return usage == r.usage && selector == r.selector && matchingType == r.matchingType && Arrays.equals(data, r.data);
    }

    @Override
    public int hashCode() {
        return ((usage * 31 + selector) * 31 + matchingType) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return shortForm();
    }
}

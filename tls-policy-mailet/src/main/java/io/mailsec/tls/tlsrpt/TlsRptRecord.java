package io.mailsec.tls.tlsrpt;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code _smtp._tls.<domain>} TXT record (RFC 8460 §3): {@code v=TLSRPTv1} first, exactly one
 * {@code rua=} field with a comma-separated list of URIs, extension fields ignored:
 *
 * <pre>
 * v=TLSRPTv1; rua=mailto:tlsrpt@example.com,https://reports.example.com/tlsrpt
 * </pre>
 *
 * Only {@code mailto:} and {@code https:} URIs are report destinations (§3); a URI of another scheme
 * is skipped and named in {@link #ignored()}, and a record left with none is invalid, since there is
 * nowhere to send to. Field names and {@code v=TLSRPTv1} are case-sensitive ({@code %s} in the ABNF).
 */
public final class TlsRptRecord {
    private static final String VERSION = "v=TLSRPTv1";
    private static final String EXT_NAME = "[A-Za-z0-9][A-Za-z0-9_.-]{0,31}";
    private static final String EXT_VALUE = "[\\x21-\\x3A\\x3C\\x3E-\\x7E]+";

    private final List<URI> destinations;
    private final List<String> ignored;

    private TlsRptRecord(List<URI> destinations, List<String> ignored) {
        this.destinations = List.copyOf(destinations);
        this.ignored = List.copyOf(ignored);
    }

    /** The {@code mailto:} and {@code https:} URIs, in the record's order. */
    public List<URI> destinations() {
        return destinations;
    }

    /** The addresses of the {@code mailto:} URIs (the part before any {@code ?}, percent-decoded). */
    public List<String> mailtoAddresses() {
        List<String> out = new ArrayList<>();
        for (URI u : destinations) {
            if (u.getScheme().equalsIgnoreCase("mailto")) {
                String ssp = u.getSchemeSpecificPart();
                int q = ssp.indexOf('?');
                out.add(q >= 0 ? ssp.substring(0, q) : ssp);
            }
        }
        return out;
    }

    /** The {@code https:} URIs, where a report is POSTed (§5.4). */
    public List<URI> httpsUris() {
        List<URI> out = new ArrayList<>();
        for (URI u : destinations) {
            if (u.getScheme().equalsIgnoreCase("https")) {
                out.add(u);
            }
        }
        return out;
    }

    /** URIs of other schemes, skipped. */
    public List<String> ignored() {
        return ignored;
    }

    /**
     * Whether {@code txt} is a TLS-RPT record at all: it begins {@code v=TLSRPTv1} followed by the
     * field delimiter (§3 discards the others before counting). WSP before the {@code ;} is allowed by
     * the ABNF's {@code field-delim}.
     */
    public static boolean isTlsRptRecord(String txt) {
        if (!txt.startsWith(VERSION)) {
            return false;
        }
        int i = VERSION.length();
        while (i < txt.length() && (txt.charAt(i) == ' ' || txt.charAt(i) == '\t')) {
            i++;
        }
        return i < txt.length() && txt.charAt(i) == ';';
    }

    /**
     * Parses a record for which {@link #isTlsRptRecord} holds.
     *
     * @throws IllegalArgumentException naming what is wrong: no or two {@code rua} fields, a field that is
     *         not {@code name=value}, a URI that is not one, no mailto/https destination
     */
    public static TlsRptRecord parse(String txt) {
        if (!isTlsRptRecord(txt)) {
            throw new IllegalArgumentException("does not begin with v=TLSRPTv1;");
        }
        String[] fields = txt.substring(VERSION.length()).split(";", -1);
        List<URI> destinations = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        boolean rua = false;
        for (int i = 1; i < fields.length; i++) {
            String f = fields[i].strip();
            if (f.isEmpty()) {
                if (i == fields.length - 1) {
                    continue; // a trailing ';' is allowed
                }
                throw new IllegalArgumentException("empty field");
            }
            if (f.startsWith("rua=")) {
                if (rua) {
                    throw new IllegalArgumentException("more than one rua field (RFC 8460 §3 requires exactly one)");
                }
                rua = true;
                uris(f.substring(4), destinations, ignored);
            } else if (!f.matches(EXT_NAME + "=" + EXT_VALUE)) {
                throw new IllegalArgumentException("field '" + f + "' is not name=value");
            }
            // other fields are extensions, ignored (§3)
        }
        if (!rua) {
            throw new IllegalArgumentException("no rua field");
        }
        if (destinations.isEmpty()) {
            throw new IllegalArgumentException("rua names no mailto: or https: URI" + (ignored.isEmpty() ? "" : " (ignored: " + ignored + ")"));
        }
        return new TlsRptRecord(destinations, ignored);
    }

    private static void uris(String list, List<URI> destinations, List<String> ignored) {
        for (String raw : list.split(",", -1)) {
            String s = raw.strip();
            if (s.isEmpty()) {
                throw new IllegalArgumentException("empty URI in rua");
            }
            URI u;
            try {
                u = new URI(s);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("rua URI '" + s + "' is not a URI: " + e.getReason());
            }
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (scheme.equals("mailto") && mailbox(u)) {
                destinations.add(u);
            } else if (scheme.equals("https") && u.getHost() != null) {
                destinations.add(u);
            } else {
                ignored.add(s);
            }
        }
    }

    private static boolean mailbox(URI u) {
        String ssp = u.getSchemeSpecificPart();
        int q = ssp.indexOf('?');
        String addr = q >= 0 ? ssp.substring(0, q) : ssp;
        int at = addr.lastIndexOf('@');
        return at > 0 && at < addr.length() - 1 && !addr.contains(",") && !addr.matches(".*[\\s<>].*");
    }

    @Override
    public String toString() {
        return VERSION + "; rua=" + destinations;
    }
}

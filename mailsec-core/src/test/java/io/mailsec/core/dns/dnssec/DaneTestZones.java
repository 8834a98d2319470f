package io.mailsec.core.dns.dnssec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The test DNS tree, signed at test time: a root with its own key (the trust anchor), "test.",
 * "dane.test." and one zone per DNSSEC case under it, each served by the same NSD:
 *
 * <table>
 *   <tr><th>zone</th><th>what</th></tr>
 *   <tr><td>secure.dane.test</td><td>ECDSAP256SHA256 (13), NSEC; MX, A, AAAA, two TLSA at _25._tcp.mx, a CNAME alias</td></tr>
 *   <tr><td>ed25519.dane.test</td><td>Ed25519 (15); MX, A, TLSA</td></tr>
 *   <tr><td>insecure.dane.test</td><td>unsigned, no DS in dane.test (an insecure delegation); MX, A, TLSA</td></tr>
 *   <tr><td>bogus.dane.test</td><td>signed, every RRSIG expired a day ago; MX, A, TLSA</td></tr>
 *   <tr><td>tampered.dane.test</td><td>signed, then the TLSA data changed: MX and A secure, TLSA bogus</td></tr>
 *   <tr><td>notlsa.dane.test</td><td>NSEC3 (no salt, 0 iterations); MX mx and mx2, no TLSA: NXDOMAIN at _25._tcp.mx,
 *       NODATA at _25._tcp.mx2 (a TXT lives there)</td></tr>
 *   <tr><td>timeout.dane.test</td><td>MX and A secure; _tcp.mx.timeout.dane.test delegated, with a DS, to
 *       {@link #BLACK_HOLE}, where nothing answers: the TLSA lookup of a secure zone that fails</td></tr>
 * </table>
 */
public final class DaneTestZones {
    public static final String NS_ADDRESS = "127.0.17.53";
    public static final String BLACK_HOLE = "127.0.17.59";
    public static final long TTL = 300;

    public static final String SECURE = "secure.dane.test";
    public static final String ED25519 = "ed25519.dane.test";
    public static final String INSECURE = "insecure.dane.test";
    public static final String BOGUS = "bogus.dane.test";
    public static final String TAMPERED = "tampered.dane.test";
    public static final String NOTLSA = "notlsa.dane.test";
    public static final String TIMEOUT = "timeout.dane.test";

    /** Each zone's MX host (preference 10) and its IPv4 address. */
    public static final Map<String, String> MX_ADDRESS = Map.of(
            SECURE, "127.0.17.25", ED25519, "127.0.17.26", INSECURE, "127.0.17.27", BOGUS, "127.0.17.28",
            TAMPERED, "127.0.17.29", NOTLSA, "127.0.17.30", TIMEOUT, "127.0.17.31");
    public static final String SECURE_MX_V6 = "2001:db8::25";
    /** alias.secure.dane.test CNAME mx.secure.dane.test. */
    public static final String SECURE_ALIAS = "alias." + SECURE;
    /** notlsa.dane.test's second MX (preference 20). */
    public static final String NOTLSA_MX2 = "mx2." + NOTLSA;
    public static final String NOTLSA_MX2_ADDRESS = "127.0.17.32";

    /** The TLSA records published at _25._tcp.mx.secure.dane.test: DANE-EE SPKI SHA2-256 and DANE-TA Cert SHA2-512. */
    public static final List<String> SECURE_TLSA = List.of("3 1 1 " + digest("SHA-256", "secure ee"),
            "2 0 2 " + digest("SHA-512", "secure ta"));
    /** The one TLSA record at _25._tcp.mx.&lt;zone&gt; of the ed25519, insecure, bogus and tampered zones (the tampered zone's as signed). */
    public static final Map<String, String> TLSA = Map.of(
            ED25519, "3 1 1 " + digest("SHA-256", "ed25519 ee"), INSECURE, "3 1 1 " + digest("SHA-256", "insecure ee"),
            BOGUS, "3 1 1 " + digest("SHA-256", "bogus ee"), TAMPERED, "3 1 1 " + digest("SHA-256", "tampered ee"));
    /** What the tampered zone serves after signing. */
    public static final String TAMPERED_TLSA_SERVED = "3 1 1 " + digest("SHA-256", "the attacker's key");

    private final Path dir;
    private final Map<String, String> zoneFiles;
    private final Path trustAnchorDs;
    private final Path trustAnchorDnskey;
    private final Path rootHints;
    private final String rootDs;

    private DaneTestZones(Path dir, Map<String, String> zoneFiles, Path ds, Path dnskey, Path hints, String rootDs) {
        this.dir = dir;
        this.zoneFiles = zoneFiles;
        this.trustAnchorDs = ds;
        this.trustAnchorDnskey = dnskey;
        this.rootHints = hints;
        this.rootDs = rootDs;
    }

    /**
     * A zone a test brings along (delegated from dane.test like the built-in ones), e.g. with TLSA
     * records made from its own peers' certificates.
     */
    public static final class Zone {
        /** How the zone is published: signed with a DS in dane.test, unsigned without one, or signed with expired signatures. */
        public enum Signing { SIGNED, UNSIGNED, EXPIRED }

        final String name;
        final Signing signing;
        final List<String> records;

        /** {@code records} in zone-file syntax with absolute names; the SOA and NS are added. */
        public Zone(String name, Signing signing, List<String> records) {
            if (!name.endsWith(".dane.test")) {
                throw new IllegalArgumentException(name + " is not under dane.test");
            }
            this.name = name;
            this.signing = signing;
            this.records = List.copyOf(records);
        }

        public String name() {
            return name;
        }
    }

    /** Makes the keys, writes and signs every zone in {@code dir}. */
    public static DaneTestZones generate(Path dir) throws IOException, InterruptedException {
        return generate(dir, List.of());
    }

    /** As {@link #generate(Path)}, with the test's own zones besides the built-in ones. */
    public static DaneTestZones generate(Path dir, List<Zone> extra) throws IOException, InterruptedException {
        ZoneSigner s = new ZoneSigner(dir);
        Map<String, String> files = new LinkedHashMap<>();
        Map<String, ZoneSigner.Key> keys = new LinkedHashMap<>();
        String ecdsa = "ECDSAP256SHA256";

        keys.put(SECURE, s.keygen(SECURE, ecdsa));
        List<String> secure = leaf(SECURE);
        secure.add("mx." + SECURE + ". AAAA " + SECURE_MX_V6);
        secure.add(SECURE_ALIAS + ". CNAME mx." + SECURE + ".");
        for (String t : SECURE_TLSA) {
            secure.add("_25._tcp.mx." + SECURE + ". TLSA " + t);
        }
        files.put(SECURE, signed(s, SECURE, secure, keys.get(SECURE), null, null, false));

        keys.put(ED25519, s.keygen(ED25519, "ED25519"));
        files.put(ED25519, signed(s, ED25519, withTlsa(ED25519), keys.get(ED25519), null, null, false));

        files.put(INSECURE, write(dir, INSECURE, withTlsa(INSECURE)));

        keys.put(BOGUS, s.keygen(BOGUS, ecdsa));
        Instant now = Instant.now();
        files.put(BOGUS, signed(s, BOGUS, withTlsa(BOGUS), keys.get(BOGUS), now.minus(Duration.ofDays(31)),
                now.minus(Duration.ofDays(1)), false));

        keys.put(TAMPERED, s.keygen(TAMPERED, ecdsa));
        String tampered = signed(s, TAMPERED, withTlsa(TAMPERED), keys.get(TAMPERED), null, null, false);
        tamper(dir.resolve(tampered), TLSA.get(TAMPERED), TAMPERED_TLSA_SERVED);
        files.put(TAMPERED, tampered);

        keys.put(NOTLSA, s.keygen(NOTLSA, ecdsa));
        List<String> notlsa = leaf(NOTLSA);
        notlsa.add(NOTLSA + ". MX 20 " + NOTLSA_MX2 + ".");
        notlsa.add(NOTLSA_MX2 + ". A " + NOTLSA_MX2_ADDRESS);
        notlsa.add("_25._tcp." + NOTLSA_MX2 + ". TXT \"no TLSA here\"");
        files.put(NOTLSA, signed(s, NOTLSA, notlsa, keys.get(NOTLSA), null, null, true));

        keys.put(TIMEOUT, s.keygen(TIMEOUT, ecdsa));
        String tcp = "_tcp.mx." + TIMEOUT;
        ZoneSigner.Key unreachable = s.keygen(tcp, ecdsa);
        List<String> timeout = leaf(TIMEOUT);
        timeout.add(tcp + ". NS blackhole.dane.test.");
        timeout.add(unreachable.ds());
        files.put(TIMEOUT, signed(s, TIMEOUT, timeout, keys.get(TIMEOUT), null, null, false));

        for (Zone z : extra) {
            List<String> lines = head(z.name);
            lines.addAll(z.records);
            if (z.signing == Zone.Signing.UNSIGNED) {
                files.put(z.name, write(dir, z.name, lines));
                continue;
            }
            keys.put(z.name, s.keygen(z.name, ecdsa));
            boolean expired = z.signing == Zone.Signing.EXPIRED;
            files.put(z.name, signed(s, z.name, lines, keys.get(z.name), expired ? now.minus(Duration.ofDays(31)) : null,
                    expired ? now.minus(Duration.ofDays(1)) : null, false));
        }

        // dane.test delegates to each, with a DS for the signed ones (none for insecure.dane.test)
        ZoneSigner.Key dane = s.keygen("dane.test", ecdsa);
        List<String> parent = head("dane.test");
        parent.add("ns.dane.test. A " + NS_ADDRESS);
        parent.add("blackhole.dane.test. A " + BLACK_HOLE);
        for (String zone : files.keySet()) {
            parent.add(zone + ". NS ns.dane.test.");
            if (keys.containsKey(zone)) {
                parent.add(keys.get(zone).ds());
            }
        }
        Map<String, String> all = new LinkedHashMap<>();
        all.put("dane.test", signed(s, "dane.test", parent, dane, null, null, false));

        ZoneSigner.Key test = s.keygen("test", ecdsa);
        List<String> tld = head("test");
        tld.add("dane.test. NS ns.dane.test.");
        tld.add("ns.dane.test. A " + NS_ADDRESS);
        tld.add(dane.ds());
        all.put("test", signed(s, "test", tld, test, null, null, false));

        ZoneSigner.Key root = s.keygen(".", ecdsa);
        List<String> rootZone = head(".");
        rootZone.add("test. NS ns.dane.test.");
        rootZone.add("ns.dane.test. A " + NS_ADDRESS);
        rootZone.add(test.ds());
        Map<String, String> ordered = new LinkedHashMap<>();
        ordered.put(".", signed(s, ".", rootZone, root, null, null, false));
        ordered.putAll(all);
        ordered.putAll(files);

        Path ds = dir.resolve("root.ds");
        Files.writeString(ds, root.ds() + "\n");
        Path dnskey = dir.resolve("root.dnskey");
        Files.writeString(dnskey, root.dnskey() + "\n");
        Path hints = dir.resolve("root.hints");
        Files.writeString(hints, ". 3600000 NS ns.dane.test.\nns.dane.test. 3600000 A " + NS_ADDRESS + "\n");
        return new DaneTestZones(dir, ordered, ds, dnskey, hints, root.ds());
    }

    private static List<String> head(String zone) {
        String origin = zone.equals(".") ? "." : zone + ".";
        List<String> z = new ArrayList<>();
        z.add("$TTL " + TTL);
        // negative answers live for the SOA minimum (RFC 2308): 300 s, like the records
        z.add(origin + " IN SOA ns.dane.test. hostmaster.dane.test. 1 3600 600 86400 " + TTL);
        z.add(origin + " IN NS ns.dane.test.");
        return z;
    }

    private static List<String> leaf(String zone) {
        List<String> z = head(zone);
        z.add(zone + ". MX 10 mx." + zone + ".");
        z.add("mx." + zone + ". A " + MX_ADDRESS.get(zone));
        return z;
    }

    private static List<String> withTlsa(String zone) {
        List<String> z = leaf(zone);
        z.add("_25._tcp.mx." + zone + ". TLSA " + TLSA.get(zone));
        return z;
    }

    private static String write(Path dir, String zone, List<String> lines) throws IOException {
        String name = (zone.equals(".") ? "root" : zone) + ".zone";
        Files.write(dir.resolve(name), lines, StandardCharsets.UTF_8);
        return name;
    }

    private static String signed(ZoneSigner s, String zone, List<String> lines, ZoneSigner.Key key, Instant inception,
            Instant expiration, boolean nsec3) throws IOException, InterruptedException {
        Path dir = key.dir;
        String unsigned = write(dir, zone, lines);
        return s.sign(zone.equals(".") ? "." : zone + ".", unsigned, key, inception, expiration, nsec3).getFileName().toString();
    }

    /** Replaces the signed TLSA data in place: the RRSIG stays, and no longer matches. */
    private static void tamper(Path signedZone, String signedTlsa, String served) throws IOException {
        String signedHex = signedTlsa.substring(6).toLowerCase();
        String zone = Files.readString(signedZone);
        String lower = zone.toLowerCase();
        int at = lower.indexOf(signedHex);
        if (at < 0) {
            throw new IllegalStateException("TLSA data " + signedHex + " not found in " + signedZone);
        }
        Files.writeString(signedZone, zone.substring(0, at) + served.substring(6) + zone.substring(at + signedHex.length()));
    }

    static String digest(String algorithm, String text) {
        try {
            byte[] d = MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8));
            StringBuilder sb = new StringBuilder();
            for (byte b : d) {
                sb.append(String.format("%02X", b));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Zone name ("." for the root) to signed (or, for insecure.dane.test, plain) zone file in {@link #dir()}. */
    public Map<String, String> zoneFiles() {
        return zoneFiles;
    }

    public Path dir() {
        return dir;
    }

    /** The root's DS record, in zone-file format: the trust anchor file of {@code validate} mode. */
    public Path trustAnchorDs() {
        return trustAnchorDs;
    }

    /** The same anchor as the root's DNSKEY record. */
    public Path trustAnchorDnskey() {
        return trustAnchorDnskey;
    }

    public Path rootHints() {
        return rootHints;
    }

    /** ". IN DS tag 13 2 hex" */
    public String rootDs() {
        return rootDs;
    }
}

package io.mailsec.tls.peers;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.mailsec.core.dns.dnssec.DaneTestZones.Zone;
import io.mailsec.core.dns.dnssec.DnssecTestbed;
import io.mailsec.core.peers.PeerTools;

/**
 * The real peers of the DANE delivery tests: DNSSEC-signed zones (mailsec-core's DnssecTestbed: NSD,
 * ldns-signzone, unbound) whose TLSA records are made from the certificates of a real Postfix with
 * three listeners on {@code <prefix>.10}, {@code .11}, {@code .12}:
 * <pre>
 * domain               zone      MX (listener)                     TLSA at _25._tcp.&lt;MX&gt;
 * ee.dane.test         signed    mx.ee (.10, self-signed)           3 1 1 of its key
 * eealias.dane.test    signed    mx.eealias (.10)                   3 1 1 of the same key (the certificate names mx.ee)
 * eebad.dane.test      signed    mx.eebad (.10)                     3 1 1 of another key
 * ta.dane.test         signed    mx.ta (.11, from the DANE CA)      2 0 1 of the DANE CA (in no trust store)
 * tawrong.dane.test    signed    mx.tawrong (.12)                   2 0 1 of the DANE CA; certificate for mx.elsewhere.dane.test
 * twomx.dane.test      signed    mx1 (.10) bad TLSA, mx2 (.10) good TLSA
 * unsigned.dane.test   unsigned  mx.unsigned (.10)                  3 1 1 of its key, not DNSSEC-signed
 * nodane.dane.test     signed    mx.nodane (.10)                    none (NXDOMAIN, DNSSEC-proven)
 * expired.dane.test    signatures expired (bogus); mx.expired (.10)
 * tampered.dane.test, timeout.dane.test: built into DaneTestZones (TLSA bogus; TLSA lookup times out)
 * </pre>
 * One at a time per machine (the testbed owns 127.0.17.x); needs root, nsd, ldnsutils, unbound, postfix.
 */
public final class DanePeers implements AutoCloseable {
    public static final List<String> DOMAINS = List.of("ee.dane.test", "eealias.dane.test", "eebad.dane.test", "ta.dane.test",
            "tawrong.dane.test", "twomx.dane.test", "unsigned.dane.test", "nodane.dane.test", "expired.dane.test");

    public final Path dir;
    public final DnssecTestbed dns;
    public final PostfixPeer postfix;
    /** A CA file that vouches for none of the peers: what delivery's trustStore is, so that only DANE authenticates. */
    public final Path unrelatedCa;

    private DanePeers(Path dir, DnssecTestbed dns, PostfixPeer postfix, Path unrelatedCa) {
        this.dir = dir;
        this.dns = dns;
        this.postfix = postfix;
        this.unrelatedCa = unrelatedCa;
    }

    /** Starts the zones and Postfix, its listeners on {@code prefix.10}, {@code .11} and {@code .12} (e.g. "127.0.21"). */
    public static DanePeers start(String prefix) throws Exception {
        PeerTools.requireRoot();
        String ee = prefix + ".10";
        String ta = prefix + ".11";
        String taWrong = prefix + ".12";
        Path dir = Files.createDirectories(Path.of("/tmp", "mailsec-dane-peers-" + ProcessHandle.current().pid() + "-" + System.nanoTime()));
        Path tls = Files.createDirectories(dir.resolve("tls"));
        Path[] eeCert = TestPki.selfSigned(tls, "ee", "mx.ee.dane.test");
        TestPki danePki = new TestPki("mailsec DANE-TA test CA");
        Instant now = Instant.now();
        Path[] taCert = danePki.issue(tls, "ta", "mx.ta.dane.test", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
        Path[] taWrongCert = danePki.issue(tls, "tawrong", "mx.elsewhere.dane.test", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
        Path[] other = TestPki.selfSigned(tls, "other", "mx.other.dane.test");

        String eeTlsa = "3 1 1 " + spkiSha256(eeCert[0]);
        String otherTlsa = "3 1 1 " + spkiSha256(other[0]);
        String caTlsa = "2 0 1 " + hex(MessageDigest.getInstance("SHA-256").digest(danePki.caCertificate().getEncoded()));
        List<Zone> zones = List.of(
                leaf("ee.dane.test", Zone.Signing.SIGNED, ee, eeTlsa),
                leaf("eealias.dane.test", Zone.Signing.SIGNED, ee, eeTlsa),
                leaf("eebad.dane.test", Zone.Signing.SIGNED, ee, otherTlsa),
                leaf("ta.dane.test", Zone.Signing.SIGNED, ta, caTlsa),
                leaf("tawrong.dane.test", Zone.Signing.SIGNED, taWrong, caTlsa),
                new Zone("twomx.dane.test", Zone.Signing.SIGNED, List.of(
                        "twomx.dane.test. MX 10 mx1.twomx.dane.test.", "twomx.dane.test. MX 20 mx2.twomx.dane.test.",
                        "mx1.twomx.dane.test. A " + ee, "mx2.twomx.dane.test. A " + ee,
                        "_25._tcp.mx1.twomx.dane.test. TLSA " + otherTlsa, "_25._tcp.mx2.twomx.dane.test. TLSA " + eeTlsa)),
                leaf("unsigned.dane.test", Zone.Signing.UNSIGNED, ee, eeTlsa),
                leaf("nodane.dane.test", Zone.Signing.SIGNED, ee, null),
                leaf("expired.dane.test", Zone.Signing.EXPIRED, ee, eeTlsa));
        DnssecTestbed dns = DnssecTestbed.start(zones);
        try {
            PostfixPeer postfix = PostfixPeer.start(dir.resolve("postfix"), DOMAINS, List.of(
                    new PostfixPeer.Listener(ee, null, eeCert[0], eeCert[1]),
                    new PostfixPeer.Listener(ta, null, taCert[0], taCert[1]),
                    new PostfixPeer.Listener(taWrong, null, taWrongCert[0], taWrongCert[1])));
            Path unrelated = new TestPki("a CA no peer here uses").writeCa(tls.resolve("unrelated-ca.pem"));
            return new DanePeers(dir, dns, postfix, unrelated);
        } catch (Exception | Error e) {
            dns.close();
            throw e;
        }
    }

    private static Zone leaf(String domain, Zone.Signing signing, String address, String tlsa) {
        List<String> records = new ArrayList<>(List.of(domain + ". MX 10 mx." + domain + ".", "mx." + domain + ". A " + address));
        if (tlsa != null) {
            records.add("_25._tcp.mx." + domain + ". TLSA " + tlsa);
        }
        return new Zone(domain, signing, records);
    }

    /** The SHA2-256 of the SubjectPublicKeyInfo of the first certificate in a PEM file, as TLSA hex. */
    public static String spkiSha256(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            return hex(MessageDigest.getInstance("SHA-256").digest(c.getPublicKey().getEncoded()));
        }
    }

    private static String hex(byte[] data) {
        StringBuilder hex = new StringBuilder();
        for (byte b : data) {
            hex.append(String.format("%02X", b));
        }
        return hex.toString();
    }

    /**
     * Postfix's own {@code posttls-finger -l dane} on {@code domain}, its resolver pointed at the
     * testbed's validating unbound (a private mount namespace gives it its own resolv.conf): the
     * independent verdict on the same zones.
     */
    public String posttlsFinger(String domain) throws Exception {
        PeerTools.requireExecutable("posttls-finger", "postfix");
        PeerTools.requireExecutable("unshare", "util-linux");
        Path resolv = dir.resolve("resolv.conf");
        Files.writeString(resolv, "nameserver " + DnssecTestbed.VALIDATING + "\noptions trust-ad\n");
        PeerTools.Result r = PeerTools.run(List.of("unshare", "-m", "sh", "-c", "mount --bind " + resolv + " /etc/resolv.conf && MAIL_CONFIG="
                + postfix.configDirectory() + " exec posttls-finger -c -l dane -L summary,certmatch -t 10 -T 10 " + domain), dir, 60);
        return r.out + r.err;
    }

    @Override
    public void close() throws Exception {
        try {
            postfix.close();
        } finally {
            dns.close();
        }
    }
}

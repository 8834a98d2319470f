package io.mailsec.tls.dane;

import static io.mailsec.tls.dane.DaneTestPki.NOW;
import static io.mailsec.tls.dane.DaneTestPki.tlsa;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailsec.core.peers.PeerTools;
import io.mailsec.tls.dane.DaneTestPki.Issued;

/**
 * The same TLSA records judged by OpenSSL and by {@link DaneMatcher} on the same live chain:
 * {@code openssl s_server} on 127.0.14.10–12 serves a chain from a private CA; {@code openssl s_client
 * -dane_tlsa_domain ... -dane_tlsa_rrdata ... -dane_ee_no_namechecks} (the SMTP rule of RFC 7672
 * §3.1.1, as Postfix sets it) says "Verification: OK" or an error and the depth it matched at; this
 * test fetches the chain over its own TLS connection (accepting any certificate) and asks the
 * matcher. Both must give the expected answer, the same depth, and for a failure the same kind of
 * failure (OpenSSL's hostname mismatch / certificate has expired / other error as the RFC 8460
 * result types certificate-host-mismatch / certificate-expired / validation-failure).
 */
class OpenSslDaneCrossCheckTest {
    private static final Pattern DANE_LINE = Pattern.compile("DANE TLSA (\\d) (\\d) (\\d) \\S+ .* at depth (\\d+)");
    private static final int PORT = 4433;
    @TempDir
    static Path dir;
    private static DaneTestPki pki;
    private static Issued mx;
    private static Issued expired;
    private static Issued wildcard;
    private static final List<OpenSslServer> SERVERS = new ArrayList<>();

    @BeforeAll
    static void servers() throws Exception {
        PeerTools.requireExecutable("openssl", "openssl");
        pki = new DaneTestPki("Cross");
        mx = pki.server("mx.dane.test", "mx.dane.test");
        expired = DaneTestPki.server(pki.intermediate, "mx.dane.test", NOW.minus(Duration.ofDays(30)), NOW.minus(Duration.ofDays(1)), "mx.dane.test");
        wildcard = pki.server("wildcard", "*.dane.test");
        Path chain = DaneTestPki.write(dir.resolve("intermediate.pem"), pki.intermediate.cert);
        SERVERS.add(serve("127.0.14.10", "mx", mx, chain));
        SERVERS.add(serve("127.0.14.11", "expired", expired, chain));
        SERVERS.add(serve("127.0.14.12", "wildcard", wildcard, chain));
    }

    private static OpenSslServer serve(String host, String name, Issued leaf, Path chain) throws Exception {
        Path cert = DaneTestPki.write(dir.resolve(name + ".pem"), leaf.cert);
        Path key = DaneTestPki.writeKey(dir.resolve(name + ".key"), leaf.key.getPrivate());
        return OpenSslServer.start(host, PORT, cert, key, chain, dir.resolve(name + ".log"));
    }

    @AfterAll
    static void stop() throws Exception {
        for (OpenSslServer s : SERVERS) {
            s.close();
        }
    }

    @Test
    void openSslAndTheMatcherAgree() throws Exception {
        String mxHost = "127.0.14.10";
        String expiredHost = "127.0.14.11";
        String wildHost = "127.0.14.12";
        List<String> table = new ArrayList<>();
        check(table, "DANE-EE SPKI SHA2-256", mxHost, "mx.dane.test", true, 0, tlsa(3, 1, 1, mx.cert));
        check(table, "DANE-EE SPKI SHA2-512", mxHost, "mx.dane.test", true, 0, tlsa(3, 1, 2, mx.cert));
        check(table, "DANE-EE full certificate", mxHost, "mx.dane.test", true, 0, tlsa(3, 0, 0, mx.cert));
        check(table, "DANE-EE of another certificate", mxHost, "mx.dane.test", false, -1, tlsa(3, 0, 1, pki.intermediate.cert));
        check(table, "DANE-EE ignores the name", mxHost, "other.dane.test", true, 0, tlsa(3, 1, 1, mx.cert));
        check(table, "DANE-EE ignores dates", expiredHost, "mx.dane.test", true, 0, tlsa(3, 1, 1, expired.cert));
        check(table, "DANE-TA intermediate, right name", mxHost, "mx.dane.test", true, 1, tlsa(2, 0, 1, pki.intermediate.cert));
        check(table, "DANE-TA intermediate, wrong name", mxHost, "other.dane.test", false, -1, tlsa(2, 0, 1, pki.intermediate.cert));
        check(table, "DANE-TA root certificate from the record", mxHost, "mx.dane.test", true, 2, tlsa(2, 0, 0, pki.root.cert));
        check(table, "DANE-TA root key from the record", mxHost, "mx.dane.test", true, 1, tlsa(2, 1, 0, pki.root.cert));
        check(table, "DANE-TA digest of a root not sent", mxHost, "mx.dane.test", false, -1, tlsa(2, 0, 1, pki.root.cert));
        check(table, "DANE-TA, expired server certificate", expiredHost, "mx.dane.test", false, -1, tlsa(2, 0, 1, pki.intermediate.cert));
        check(table, "DANE-TA, wildcard for one label", wildHost, "mx.dane.test", true, 1, tlsa(2, 1, 1, pki.intermediate.cert));
        check(table, "DANE-TA, wildcard for two labels", wildHost, "a.mx.dane.test", false, -1, tlsa(2, 1, 1, pki.intermediate.cert));
        check(table, "wrong DANE-EE beside right DANE-TA", mxHost, "mx.dane.test", true, 1, tlsa(3, 1, 1, pki.intermediate.cert),
                tlsa(2, 1, 2, pki.intermediate.cert));
        System.out.println("OpenSSL vs DaneMatcher (RFC 7672 rules):\n" + String.join("\n", table));
    }

    private static void check(List<String> table, String what, String host, String domain, boolean ok, int depth, String... records) throws Exception {
        OpenSslResult openssl = sClient(host, domain, records);
        DaneVerdict mine = new DaneMatcher().match(chainOf(host), TlsaRecordSet.parse(List.of(records)), ReferenceNames.of(domain));
        table.add(String.format("%-42s openssl: %-40s matcher: %s", what, openssl, mine.outcome() + " depth " + mine.depth()
                + mine.tlsRptResultType().map(t -> " " + t).orElse("")));
        assertThat(openssl.ok).as(what + ": OpenSSL says " + openssl.output).isEqualTo(ok);
        assertThat(mine.authenticated()).as(what + ": " + mine).isEqualTo(ok);
        if (ok) {
            assertThat(openssl.depth).as(what + ": OpenSSL's depth").isEqualTo(depth);
            assertThat(mine.depth()).as(what + ": matcher's depth").isEqualTo(depth);
        } else {
            // OpenSSL's X509 error says which kind of failure it was; the TLS-RPT result type must agree
            String expected = openssl.output.contains("Verification error: hostname mismatch") ? "certificate-host-mismatch"
                    : openssl.output.contains("Verification error: certificate has expired") ? "certificate-expired" : "validation-failure";
            assertThat(mine.tlsRptResultType()).as(what + ": " + mine).contains(expected);
        }
    }

    /** What s_client said. */
    private static final class OpenSslResult {
        final boolean ok;
        final int depth;
        final String output;

        OpenSslResult(boolean ok, int depth, String output) {
            this.ok = ok;
            this.depth = depth;
            this.output = output;
        }

        @Override
        public String toString() {
            return ok ? "Verification: OK, depth " + depth : output.lines().filter(l -> l.startsWith("Verification error")).findFirst().orElse("?");
        }
    }

    private static OpenSslResult sClient(String host, String domain, String... records) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(PeerTools.requireExecutable("openssl", "openssl"), "s_client", "-connect", host + ":" + PORT,
                "-brief", "-dane_tlsa_domain", domain, "-dane_ee_no_namechecks"));
        for (String r : records) {
            cmd.add("-dane_tlsa_rrdata");
            cmd.add(r);
        }
        PeerTools.Result r = PeerTools.run(cmd, dir, 20);
        String out = r.out + r.err;
        assertThat(out).as("s_client against " + host).contains("CONNECTION ESTABLISHED");
        boolean ok = out.lines().anyMatch(l -> l.trim().equals("Verification: OK"));
        Matcher m = DANE_LINE.matcher(out);
        return new OpenSslResult(ok, ok && m.find() ? Integer.parseInt(m.group(4)) : -1, out);
    }

    /** The chain the server sends, over a TLS connection of our own that accepts any certificate. */
    private static List<X509Certificate> chainOf(String host) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new AcceptAny()}, null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(host, PORT)) {
            s.setSoTimeout(10_000);
            s.startHandshake();
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : s.getSession().getPeerCertificates()) {
                chain.add((X509Certificate) c);
            }
            return chain;
        }
    }

    private static final class AcceptAny implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // the chain is judged afterwards, by the matcher
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}

package io.mailsec.tls.dane;

import static io.mailsec.tls.dane.DaneTestPki.tlsa;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.mailsec.tls.dane.DaneTestPki.Issued;

/**
 * Real JSSE handshakes (TLS 1.3 and 1.2) with a server on 127.0.14.1 whose chain comes from a
 * private CA no trust store knows: the JDK's own trust manager refuses it, {@link DaneTrustManager}
 * accepts it on a TLSA match alone and refuses it otherwise.
 */
class DaneTrustManagerTest {
    private static DaneTestPki pki;
    private static Issued mx;
    private static SSLServerSocket server;
    private static Thread acceptor;

    @BeforeAll
    static void startServer() throws Exception {
        pki = new DaneTestPki("Handshake");
        mx = pki.server("mx.dane.test", "mx.dane.test");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("mx", mx.key.getPrivate(), new char[0], new Certificate[] {mx.cert, pki.intermediate.cert});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        server = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getByName("127.0.14.1"), 0));
        acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try (SSLSocket s = (SSLSocket) server.accept()) {
                    s.setSoTimeout(5000);
                    s.startHandshake();
                    s.getOutputStream().write('x');
                    s.getOutputStream().flush();
                } catch (Exception clientRefusedOrClosed) {
                    // the client's trust manager may end the handshake: that is what is tested
                }
            }
        }, "dane-test-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
        acceptor.join(5000);
    }

    /** Handshakes with {@code tm}; returns the byte the server sends after the handshake. */
    private static int handshake(TrustManager tm, String protocol) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tm == null ? null : new TrustManager[] {tm}, null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket()) {
            s.connect(server.getLocalSocketAddress(), 5000);
            s.setSoTimeout(5000);
            s.setEnabledProtocols(new String[] {protocol});
            s.startHandshake();
            return s.getInputStream().read();
        }
    }

    private static DaneTrustManager dane(String... records) {
        return new DaneTrustManager(TlsaRecordSet.parse(List.of(records)), ReferenceNames.of("mx.dane.test"));
    }

    @Test
    void theChainIsNotPkixTrusted() {
        assertThatThrownBy(() -> handshake(null, "TLSv1.3")).isInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining("PKIX path building failed");
    }

    @Test
    void aDaneMatchAloneCompletesTheHandshake() throws Exception {
        for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
            DaneTrustManager ee = dane(tlsa(3, 1, 1, mx.cert));
            assertThat(handshake(ee, protocol)).as(protocol).isEqualTo('x');
            assertThat(ee.verdict().orElseThrow().depth()).isZero();

            DaneTrustManager ta = dane(tlsa(2, 0, 1, pki.intermediate.cert));
            assertThat(handshake(ta, protocol)).as(protocol).isEqualTo('x');
            assertThat(ta.verdict().orElseThrow().depth()).isEqualTo(1);
        }
    }

    @Test
    void noMatchEndsTheHandshakeWithTheVerdict() throws Exception {
        DaneTrustManager wrong = dane(tlsa(3, 1, 1, pki.intermediate.cert));
        assertThatThrownBy(() -> handshake(wrong, "TLSv1.3")).isInstanceOf(SSLHandshakeException.class)
                .hasRootCauseInstanceOf(DaneCertificateException.class);
        assertThat(wrong.verdict().orElseThrow().outcome()).isEqualTo(DaneVerdict.Outcome.NOT_AUTHENTICATED);

        DaneTrustManager otherName = new DaneTrustManager(TlsaRecordSet.parse(List.of(tlsa(2, 0, 1, pki.intermediate.cert))),
                ReferenceNames.of("mx.elsewhere.test"));
        try {
            handshake(otherName, "TLSv1.2");
        } catch (SSLHandshakeException expected) {
            Throwable cause = expected;
            while (!(cause instanceof DaneCertificateException)) {
                cause = cause.getCause();
            }
            assertThat(((DaneCertificateException) cause).verdict().tlsRptResultType()).contains("certificate-host-mismatch");
            assertThat(cause.getMessage()).contains("name-mismatch");
            return;
        }
        throw new AssertionError("the handshake should have failed");
    }

    @Test
    void onlyUnusableRecordsGiveUnauthenticatedTls() throws Exception {
        // RFC 7672 §2.2: TLS still (the records say the server does it), but no authentication
        DaneTrustManager pkixOnly = dane("1 1 1 " + "00".repeat(32));
        assertThat(handshake(pkixOnly, "TLSv1.3")).isEqualTo('x');
        assertThat(pkixOnly.verdict().orElseThrow().outcome()).isEqualTo(DaneVerdict.Outcome.NO_USABLE_RECORDS);
        assertThat(pkixOnly.verdict().orElseThrow().tlsRptResultType()).contains("tlsa-invalid");
    }
}

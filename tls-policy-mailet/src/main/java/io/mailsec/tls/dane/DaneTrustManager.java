package io.mailsec.tls.dane;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A client trust manager that judges the server by its TLSA records alone, so a handshake succeeds
 * on a DANE match even when no configured CA vouches for the chain (RFC 7672 §3.1: SMTP uses DANE
 * usages, not the public CAs). Use one per connection: it holds that server's RRset and reference
 * names and remembers the verdict ({@link #verdict()}) for the log and TLS-RPT.
 *
 * <ul>
 * <li>{@code AUTHENTICATED}: the handshake goes on.</li>
 * <li>{@code NOT_AUTHENTICATED}: the handshake fails with a {@link DaneCertificateException} as the
 * cause of the {@code SSLHandshakeException}; RFC 7672 §2.2 says not to deliver to this server.</li>
 * <li>{@code NO_USABLE_RECORDS}: the handshake goes on, encrypted but unauthenticated, which is what
 * RFC 7672 §2.2 asks for (the records still say the server does TLS, so plaintext is not an option).</li>
 * </ul>
 * It extends {@link X509ExtendedTrustManager} so that JSSE adds no host name or CA checks of its own.
 */
public final class DaneTrustManager extends X509ExtendedTrustManager {
    private final TlsaRecordSet tlsa;
    private final ReferenceNames names;
    private final DaneMatcher matcher;
    private volatile DaneVerdict verdict;

    public DaneTrustManager(TlsaRecordSet tlsa, ReferenceNames names, DaneMatcher matcher) {
        if (tlsa.isEmpty()) {
            throw new IllegalArgumentException("no TLSA records: DANE does not apply to this server");
        }
        this.tlsa = tlsa;
        this.names = names;
        this.matcher = matcher;
    }

    public DaneTrustManager(TlsaRecordSet tlsa, ReferenceNames names) {
        this(tlsa, names, new DaneMatcher());
    }

    /** The verdict of the last handshake, empty before one reached the certificate check. */
    public Optional<DaneVerdict> verdict() {
        return Optional.ofNullable(verdict);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        DaneVerdict v = matcher.match(chain == null ? List.of() : Arrays.asList(chain), tlsa, names);
        verdict = v;
        if (v.outcome() == DaneVerdict.Outcome.NOT_AUTHENTICATED) {
            throw new DaneCertificateException(v);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("DANE for SMTP authenticates servers; client certificates are not judged here");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    /** None: no CA names are sent (this is a client; servers ignore the list anyway). */
    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}

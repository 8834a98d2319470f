package io.mailsec.tls.outbound;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Judges a peer's certificate chain against a trust store (PEM bundle, JKS/PKCS12 file, or the JDK's
 * cacerts) and a host name (RFC 6125: subjectAltName dNSName, wildcard only as the whole left-most
 * label; CN only when there is no dNSName). The TLS handshake itself accepts any certificate
 * ({@link #socketFactory()}) so that {@code encrypt} works with self-signed peers and the verdict is
 * always known for the tracking log; {@code verify} is enforced by the caller on the verdict before
 * any mail data is sent.
 */
public final class CertificateChecker {
    private final X509TrustManager trust;
    private final SSLSocketFactory socketFactory;
    private final String trustSource;

    private CertificateChecker(X509TrustManager trust, String trustSource) {
        this.trust = trust;
        this.trustSource = trustSource;
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new AcceptAny()}, null);
            this.socketFactory = ctx.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Trusts the JDK's default CAs. */
    public static CertificateChecker systemDefault() {
        return new CertificateChecker(trustManager(null), "jdk-cacerts");
    }

    /** Trusts the CAs in {@code file}: a PEM bundle (.pem/.crt) or a JKS/PKCS12 key store (no password needed for certificates). */
    public static CertificateChecker fromFile(Path file) throws IOException, GeneralSecurityException {
        KeyStore ks;
        byte[] bytes = Files.readAllBytes(file);
        String head = new String(bytes, 0, Math.min(bytes.length, 200), java.nio.charset.StandardCharsets.ISO_8859_1);
        if (head.contains("-----BEGIN")) {
            ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            int i = 0;
            try (InputStream in = Files.newInputStream(file)) {
                for (java.security.cert.Certificate c : cf.generateCertificates(in)) {
                    ks.setCertificateEntry("ca" + i++, c);
                }
            }
            if (i == 0) {
                throw new CertificateException("no certificates in " + file);
            }
        } else {
            ks = KeyStore.getInstance(file.toString().endsWith(".jks") ? "JKS" : "PKCS12");
            try (InputStream in = Files.newInputStream(file)) {
                ks.load(in, null);
            }
        }
        return new CertificateChecker(trustManager(ks), file.toString());
    }

    private static X509TrustManager trustManager(KeyStore ks) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager) {
                    return (X509TrustManager) tm;
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("no X509TrustManager");
    }

    public String trustSource() {
        return trustSource;
    }

    /** A context whose handshakes verify the chain against the same CAs (for HTTPS, e.g. MTA-STS policy fetches). */
    public SSLContext verifyingContext() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {trust}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Handshakes accept any certificate; judge the chain with {@link #check}. */
    public SSLSocketFactory socketFactory() {
        return socketFactory;
    }

    /**
     * @param chain the peer's chain, leaf first
     * @param authType key exchange type for the trust manager (e.g. "RSA", "ECDHE_RSA"; "UNKNOWN" works for TLS 1.3)
     * @param names host names any of which the certificate may name (e.g. the MX host, the recipient domain)
     */
    public CertificateVerdict check(X509Certificate[] chain, String authType, Collection<String> names) {
        List<X509Certificate> list = Arrays.asList(chain);
        if (chain.length == 0) {
            return new CertificateVerdict(false, false, false, "no certificate", list);
        }
        boolean expired = false;
        String problem = null;
        try {
            chain[0].checkValidity();
        } catch (CertificateExpiredException e) {
            expired = true;
            problem = "certificate expired on " + chain[0].getNotAfter().toInstant();
        } catch (CertificateNotYetValidException e) {
            expired = true;
            problem = "certificate not valid before " + chain[0].getNotBefore().toInstant();
        }
        boolean trusted = false;
        try {
            trust.checkServerTrusted(chain, authType);
            trusted = !expired;
        } catch (CertificateException e) {
            if (problem == null) {
                problem = isSelfSigned(chain[chain.length - 1]) && chain.length == 1
                        ? "self-signed certificate not trusted (" + chain[0].getSubjectX500Principal().getName() + ")"
                        : "certificate does not chain to a trusted CA: " + rootMessage(e);
            }
        }
        boolean matches = false;
        for (String n : names) {
            if (n != null && matches(chain[0], n)) {
                matches = true;
                break;
            }
        }
        if (!matches && problem == null) {
            problem = "certificate names " + describeNames(chain[0]) + ", not " + String.join(" or ", names);
        }
        return new CertificateVerdict(trusted, expired, matches, problem, list);
    }

    private static boolean isSelfSigned(X509Certificate c) {
        return c.getSubjectX500Principal().equals(c.getIssuerX500Principal());
    }

    private static String rootMessage(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null) {
            r = r.getCause();
        }
        return r.getMessage();
    }

    /** RFC 6125 §6.4 host name check (wildcard only as the complete left-most label, one level). */
    public static boolean matches(X509Certificate cert, String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        boolean ipLiteral = h.indexOf(':') >= 0 || h.matches("[0-9.]+");
        boolean sawDns = false;
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    int type = (Integer) san.get(0);
                    String value = String.valueOf(san.get(1));
                    if (type == 2) {
                        sawDns = true;
                        if (!ipLiteral && dnsMatches(value.toLowerCase(Locale.ROOT), h)) {
                            return true;
                        }
                    } else if (type == 7 && ipLiteral) {
                        try {
                            if (InetAddress.getByName(value).equals(InetAddress.getByName(h))) {
                                return true;
                            }
                        } catch (IOException ignored) {
                            // not an address
                        }
                    }
                }
            }
        } catch (CertificateException e) {
            return false;
        }
        if (sawDns || ipLiteral) {
            return false;
        }
        String cn = commonName(cert);
        return cn != null && dnsMatches(cn.toLowerCase(Locale.ROOT), h);
    }

    private static boolean dnsMatches(String pattern, String host) {
        if (pattern.endsWith(".")) {
            pattern = pattern.substring(0, pattern.length() - 1);
        }
        if (pattern.startsWith("*.")) {
            int dot = host.indexOf('.');
            return dot > 0 && host.substring(dot + 1).equals(pattern.substring(2)) && pattern.substring(2).indexOf('.') > 0;
        }
        return pattern.equals(host);
    }

    static String commonName(X509Certificate cert) {
        try {
            LdapName dn = new LdapName(cert.getSubjectX500Principal().getName());
            for (Rdn rdn : dn.getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(rdn.getValue());
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        return null;
    }

    static String describeNames(X509Certificate cert) {
        StringBuilder sb = new StringBuilder();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if ((Integer) san.get(0) == 2 || (Integer) san.get(0) == 7) {
                        sb.append(sb.length() > 0 ? "," : "").append(san.get(1));
                    }
                }
            }
        } catch (CertificateException ignored) {
            // fall back to CN
        }
        return sb.length() > 0 ? sb.toString() : "CN=" + commonName(cert);
    }

    /** Accepts any server certificate during the handshake; the chain is judged afterwards. */
    private static final class AcceptAny implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // judged after the handshake by CertificateChecker.check
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}

package io.mailsec.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

import io.mailsec.tls.dane.DaneHost;
import io.mailsec.tls.dane.DaneMatcher;
import io.mailsec.tls.dane.DaneVerdict;
import io.mailsec.tls.outbound.CertificateChecker;
import io.mailsec.tls.outbound.CertificateVerdict;
import io.mailsec.tls.outbound.SmtpClient;
import io.mailsec.tls.outbound.SmtpReply;

/**
 * One SMTP session to one MX address as outbound delivery opens it — greeting, EHLO, STARTTLS, the
 * certificate judged for the given names, QUIT — written into a result map (the JSON keys of
 * {@code mailsec tls probe}: banner, starttls, protocol, cipher, certificate, satisfies, error, step).
 */
final class StartTlsProbe {
    private StartTlsProbe() {
    }

    /** False when no SMTP session came about (then {@code step} and {@code error} say why). */
    static boolean run(Map<String, Object> r, String host, InetAddress ip, int port, String helo, CertificateChecker checker,
                       List<String> names, int timeoutSeconds) throws Exception {
        return run(r, host, ip, port, helo, checker, names, timeoutSeconds, null);
    }

    /**
     * As above; with {@code dane} (the host's TLSA records, RFC 7672) the chain is judged by those
     * records as delivery judges it ({@code daneMatch}: outcome and reason), and {@code satisfies} is
     * {@code verify} only when they authenticate it.
     */
    static boolean run(Map<String, Object> r, String host, InetAddress ip, int port, String helo, CertificateChecker checker,
                       List<String> names, int timeoutSeconds, DaneHost dane) throws Exception {
        SmtpClient c;
        try {
            c = SmtpClient.connect(host, new InetSocketAddress(ip, port), timeoutSeconds * 1000, timeoutSeconds * 1000);
        } catch (IOException e) {
            return failed(r, "connect", "connect to " + ip.getHostAddress() + ":" + port + " failed: " + e.getMessage());
        }
        try (c) {
            SmtpReply g = c.greeting();
            r.put("banner", g.toString());
            if (g.code() != 220) {
                return failed(r, "greeting", "greeting: " + g);
            }
            SmtpReply e = c.ehlo(helo);
            if (e.code() != 250) {
                return failed(r, "ehlo", "EHLO: " + e);
            }
            boolean offered = c.supports("STARTTLS");
            r.put("starttls", offered);
            r.put("protocol", null);
            r.put("cipher", null);
            r.put("certificate", null);
            String satisfies = "may";
            if (offered) {
                try {
                    SmtpReply s = c.startTls(checker.socketFactory());
                    if (s.code() != 220) {
                        r.put("error", "STARTTLS refused: " + s);
                        r.put("step", "starttls");
                    } else {
                        SSLSession session = c.sslSession();
                        r.put("protocol", session.getProtocol());
                        r.put("cipher", session.getCipherSuite());
                        X509Certificate[] chain = chain(session);
                        CertificateVerdict v = checker.check(chain, authType(session.getCipherSuite()), names);
                        r.put("certificate", certificate(v, chain));
                        satisfies = v.verified() ? "verify" : "encrypt";
                        if (dane != null) {
                            DaneVerdict d = new DaneMatcher().match(List.of(chain), dane.tlsa(), dane.names());
                            Map<String, Object> m = new LinkedHashMap<>();
                            m.put("outcome", d.outcome().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
                            m.put("reason", d.reason());
                            r.put("daneMatch", m);
                            satisfies = d.authenticated() ? "verify" : "encrypt";
                        }
                        c.ehlo(helo);
                    }
                } catch (SSLException ex) {
                    r.put("error", "TLS handshake failed: " + ex.getMessage());
                    r.put("step", "handshake");
                }
            }
            c.quit();
            r.put("satisfies", satisfies);
            return true;
        } catch (IOException ex) {
            return failed(r, "smtp", ex.getMessage());
        }
    }

    private static boolean failed(Map<String, Object> r, String step, String error) {
        r.put("step", step);
        r.put("error", error);
        return false;
    }

    private static X509Certificate[] chain(SSLSession s) {
        try {
            Certificate[] peer = s.getPeerCertificates();
            X509Certificate[] out = new X509Certificate[peer.length];
            for (int i = 0; i < peer.length; i++) {
                out[i] = (X509Certificate) peer[i];
            }
            return out;
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return new X509Certificate[0];
        }
    }

    private static String authType(String cipher) {
        if (cipher != null && cipher.startsWith("TLS_") && cipher.contains("_WITH_")) {
            return cipher.substring(4, cipher.indexOf("_WITH_"));
        }
        return "UNKNOWN";
    }

    private static Map<String, Object> certificate(CertificateVerdict v, X509Certificate[] chain) throws Exception {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("trusted", v.trusted());
        c.put("hostnameMatches", v.hostnameMatches());
        c.put("notAfter", chain.length == 0 ? null : chain[0].getNotAfter().toInstant().toString());
        c.put("expired", v.expired());
        c.put("verdict", v.word());
        c.put("problem", v.problem());
        List<Map<String, Object>> list = new ArrayList<>();
        for (X509Certificate x : chain) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("subject", x.getSubjectX500Principal().getName());
            e.put("issuer", x.getIssuerX500Principal().getName());
            e.put("notBefore", x.getNotBefore().toInstant().toString());
            e.put("notAfter", x.getNotAfter().toInstant().toString());
            e.put("sha256", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(x.getEncoded())));
            list.add(e);
        }
        c.put("chain", list);
        return c;
    }
}

package io.mailsec.tls.mtasts;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import io.mailsec.core.dns.DnsResolver;
import io.mailsec.core.dns.DnsResult;

/**
 * Fetches {@code https://mta-sts.<domain>/.well-known/mta-sts.txt} (RFC 8461 §3.3) with one
 * HTTP/1.1 GET over a TLS socket of its own, so that the policy host is resolved through mailsec's
 * {@link DnsResolver} (the servers James is configured with) and not the JVM's resolver. The
 * certificate must chain to the given trust and name {@code mta-sts.<domain>} (SNI is sent); only
 * status 200 with media type {@code text/plain} is a policy; a redirect is never followed; HTTP
 * caching plays no part. Every failure is a {@link StsFetchException} with its TLS-RPT type.
 */
public final class HttpsPolicyFetcher {
    /** The well-known path (RFC 8461 §3.3). */
    public static final String PATH = "/.well-known/mta-sts.txt";
    private static final int PORT = 443;
    private static final ScheduledExecutorService WATCHDOG = watchdog();

    private final DnsResolver dns;
    private final SSLContext tls;
    private final FetchLimits limits;

    /**
     * @param dns resolves {@code mta-sts.<domain>}
     * @param tls whose trust managers judge the policy host's chain: {@code SSLContext.getDefault()}
     *            for the JDK's CAs (the web PKI the RFC asks for)
     */
    public HttpsPolicyFetcher(DnsResolver dns, SSLContext tls, FetchLimits limits) {
        this.dns = Objects.requireNonNull(dns, "dns");
        this.tls = Objects.requireNonNull(tls, "tls");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    public static String policyHost(String domain) {
        return "mta-sts." + domain;
    }

    public static String policyUrl(String domain) {
        return "https://" + policyHost(domain) + PATH;
    }

    /** The policy body of {@code domain} (a lower-case domain name), decoded as UTF-8. */
    public String fetch(String domain) throws StsFetchException {
        String host = policyHost(domain);
        long deadline = System.nanoTime() + limits.deadline().toNanos();
        DnsResult<InetAddress> addresses = dns.addresses(host);
        if (!addresses.isOk()) {
            throw fetchError("policy host " + host + " has no address: " + addresses.status() + " (" + addresses.detail() + ")");
        }
        List<String> refused = new ArrayList<>();
        for (InetAddress address : addresses.records()) {
            long left = remainingMillis(deadline);
            if (left <= 0) {
                break;
            }
            Socket tcp = new Socket();
            try {
                tcp.connect(new InetSocketAddress(address, PORT), (int) Math.min(limits.connectTimeout().toMillis(), left));
            } catch (IOException e) {
                closeQuietly(tcp);
                refused.add("[" + address.getHostAddress() + "]:" + PORT + " " + message(e));
                continue;
            }
            // Only a failed connect moves on to the next address: TLS and HTTP answers speak for the host.
            return fetchOver(tcp, host, address, deadline);
        }
        throw fetchError("cannot connect to " + host + (refused.isEmpty() ? ": deadline of " + limits.deadline().toSeconds() + " s passed"
                : ": " + String.join("; ", refused)));
    }

    private String fetchOver(Socket tcp, String host, InetAddress address, long deadline) throws StsFetchException {
        String where = host + " [" + address.getHostAddress() + "]";
        // A server that sends a byte now and then would defeat per-read timeouts: at the deadline the socket is closed.
        ScheduledFuture<?> alarm = WATCHDOG.schedule(() -> closeQuietly(tcp), Math.max(1, remainingMillis(deadline)), TimeUnit.MILLISECONDS);
        try {
            tcp.setSoTimeout((int) limits.readTimeout().toMillis());
            SSLSocket ssl = handshake(tcp, host, where);
            OutputStream out = ssl.getOutputStream();
            out.write(("GET " + PATH + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: mailsec-mta-sts\r\nAccept: text/plain\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            HttpResponseReader reader = new HttpResponseReader(new BufferedInputStream(ssl.getInputStream()));
            HttpResponseReader.Head head = reader.readHead();
            checkStatus(head, host);
            checkMediaType(head, where);
            byte[] body;
            try {
                body = reader.readBody(head, limits.maxPolicyBytes());
            } catch (HttpResponseReader.BodyTooLargeException e) {
                throw new StsFetchException(StsFailureType.POLICY_INVALID, "policy from " + where + " too large: " + e.getMessage());
            }
            return utf8(body, where);
        } catch (IOException e) {
            if (remainingMillis(deadline) <= 0) {
                throw fetchError("fetch from " + where + " did not finish within the deadline of " + limits.deadline().toMillis() + " ms");
            }
            throw fetchError("fetch from " + where + " failed: " + message(e));
        } finally {
            alarm.cancel(false);
            closeQuietly(tcp);
        }
    }

    private SSLSocket handshake(Socket tcp, String host, String where) throws IOException, StsFetchException {
        SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(tcp, host, PORT, true);
        SSLParameters p = ssl.getSSLParameters();
        p.setServerNames(List.of(new SNIHostName(host)));
        p.setEndpointIdentificationAlgorithm("HTTPS");
        ssl.setSSLParameters(p);
        try {
            ssl.startHandshake();
        } catch (SSLHandshakeException e) {
            if (causedBy(e, CertificateException.class)) {
                throw new StsFetchException(StsFailureType.WEBPKI_INVALID, "certificate of " + where + " not valid: " + rootMessage(e));
            }
            // the caller tells a handshake cut off by the deadline from one the server refused
            throw new IOException("TLS handshake: " + rootMessage(e), e);
        } catch (SSLException e) {
            throw new IOException("TLS: " + rootMessage(e), e);
        }
        Certificate[] chain = ssl.getSession().getPeerCertificates();
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate) || !DnsIds.matches((X509Certificate) chain[0], host)) {
            List<String> names = chain.length > 0 && chain[0] instanceof X509Certificate ? DnsIds.of((X509Certificate) chain[0]) : List.of();
            throw new StsFetchException(StsFailureType.WEBPKI_INVALID, "certificate of " + where + " has no DNS-ID for " + host
                    + " (subjectAltName dNSName: " + (names.isEmpty() ? "none" : String.join(", ", names)) + ")");
        }
        return ssl;
    }

    private static void checkStatus(HttpResponseReader.Head head, String host) throws StsFetchException {
        if (head.status == 200) {
            return;
        }
        String url = "https://" + host + PATH;
        if (head.status >= 300 && head.status < 400) {
            String location = head.field("location");
            throw fetchError("HTTP " + head.status + " from " + url + (location == null ? "" : " to " + location)
                    + ": redirects are not followed (RFC 8461 §3.3)");
        }
        throw fetchError("HTTP " + head.status + (head.reason.isEmpty() ? "" : " " + head.reason) + " from " + url);
    }

    /** RFC 8461 §3.3: the media type must be text/plain; its parameters (charset and others) are ignored. */
    private static void checkMediaType(HttpResponseReader.Head head, String where) throws StsFetchException {
        String type = head.field("content-type");
        String media = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!media.equals("text/plain")) {
            throw new StsFetchException(StsFailureType.POLICY_INVALID, "policy from " + where + " has Content-Type "
                    + (type == null ? "(none)" : "'" + type + "'") + ", not text/plain");
        }
    }

    private static String utf8(byte[] body, String where) throws StsFetchException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new StsFetchException(StsFailureType.POLICY_INVALID, "policy from " + where + " is not UTF-8 text");
        }
    }

    private static StsFetchException fetchError(String detail) {
        return new StsFetchException(StsFailureType.FETCH_ERROR, detail);
    }

    private static long remainingMillis(long deadlineNanos) {
        return TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        return message(r);
    }

    /** Many socket exceptions carry no message; the kind of exception then says what happened. */
    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing after a failure or at the deadline: nothing left to report
        }
    }

    private static ScheduledExecutorService watchdog() {
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "mailsec-mta-sts-deadline");
            t.setDaemon(true);
            return t;
        });
        e.setRemoveOnCancelPolicy(true);
        return e;
    }
}

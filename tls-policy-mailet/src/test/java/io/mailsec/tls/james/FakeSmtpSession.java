package io.mailsec.tls.james;

import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import javax.net.ssl.SSLSession;

import org.apache.james.protocols.smtp.SMTPSession;

/** A minimal SMTPSession (dynamic proxy): peer address, TLS state, attachments, user name. */
public final class FakeSmtpSession {
    private FakeSmtpSession() {
    }

    public static SMTPSession of(String peerIp, SSLSession tls, String user) {
        Map<Object, Object> attachments = new HashMap<>();
        return (SMTPSession) Proxy.newProxyInstance(FakeSmtpSession.class.getClassLoader(), new Class<?>[] {SMTPSession.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getRemoteAddress": return new InetSocketAddress(peerIp, 40000);
                        case "isTLSStarted": return tls != null;
                        case "getSSLSession": return Optional.ofNullable(tls);
                        case "setAttachment": return Optional.ofNullable(attachments.put(args[0], args[1]));
                        case "getAttachment": return Optional.ofNullable(attachments.get(args[0]));
                        case "getUsername": return null;
                        case "getSessionID": return "test-session";
                        case "hashCode": return System.identityHashCode(proxy);
                        case "equals": return proxy == args[0];
                        case "toString": return "FakeSmtpSession[" + peerIp + "]";
                        default: throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    public static SSLSession ssl(String protocol, String cipher) {
        return (SSLSession) Proxy.newProxyInstance(FakeSmtpSession.class.getClassLoader(), new Class<?>[] {SSLSession.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getProtocol": return protocol;
                        case "getCipherSuite": return cipher;
                        default: throw new UnsupportedOperationException(method.getName());
                    }
                });
    }
}

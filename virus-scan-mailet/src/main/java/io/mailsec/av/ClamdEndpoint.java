package io.mailsec.av;

import java.util.Objects;

/**
 * Where clamd listens: a TCP {@code host:port} or a Unix socket path.
 * Accepted forms: {@code host:port}, {@code [v6addr]:port}, {@code tcp://host:port},
 * {@code /path/to/clamd.ctl}, {@code unix:/path/to/clamd.ctl}.
 */
public final class ClamdEndpoint {
    public static final int DEFAULT_PORT = 3310;

    private final String host;
    private final int port;
    private final String socketPath;

    private ClamdEndpoint(String host, int port, String socketPath) {
        this.host = host;
        this.port = port;
        this.socketPath = socketPath;
    }

    public static ClamdEndpoint tcp(String host, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        return new ClamdEndpoint(Objects.requireNonNull(host), port, null);
    }

    public static ClamdEndpoint unix(String path) {
        return new ClamdEndpoint(null, 0, Objects.requireNonNull(path));
    }

    /** Parses one of the accepted forms; throws IllegalArgumentException naming the value. */
    public static ClamdEndpoint parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("empty clamd address");
        }
        String s = spec.trim();
        if (s.startsWith("unix:")) {
            s = s.substring(5);
            if (s.startsWith("//")) {
                s = s.substring(2);
            }
            return unix(s);
        }
        if (s.startsWith("/") || s.startsWith("./")) {
            return unix(s);
        }
        if (s.startsWith("tcp://")) {
            s = s.substring(6);
        }
        String h;
        String p;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("bad clamd address: " + spec);
            }
            h = s.substring(1, close);
            p = s.length() > close + 1 && s.charAt(close + 1) == ':' ? s.substring(close + 2) : null;
        } else {
            int colon = s.lastIndexOf(':');
            h = colon < 0 ? s : s.substring(0, colon);
            p = colon < 0 ? null : s.substring(colon + 1);
        }
        if (h.isEmpty()) {
            throw new IllegalArgumentException("bad clamd address (no host): " + spec);
        }
        try {
            return tcp(h, p == null ? DEFAULT_PORT : Integer.parseInt(p));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad clamd address (port): " + spec);
        }
    }

    public boolean isUnix() {
        return socketPath != null;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String socketPath() {
        return socketPath;
    }

    @Override
    public String toString() {
        return isUnix() ? "unix:" + socketPath : (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}

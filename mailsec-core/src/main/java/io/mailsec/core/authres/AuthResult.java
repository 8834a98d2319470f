package io.mailsec.core.authres;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One resinfo of an Authentication-Results header (RFC 8601 §2.2): method, result, optional
 * reason and properties such as {@code header.d=example.com} or {@code smtp.mailfrom=a@b}.
 */
public final class AuthResult {
    private final String method;
    private final String result;
    private final String reason;
    private final Map<String, String> properties;

    private AuthResult(String method, String result, String reason, Map<String, String> properties) {
        this.method = Objects.requireNonNull(method);
        this.result = Objects.requireNonNull(result);
        this.reason = reason;
        this.properties = Map.copyOf(properties);
        this.order = new java.util.ArrayList<>(properties.keySet());
    }

    private final java.util.List<String> order;

    public static Builder of(String method, String result) {
        return new Builder(method, result);
    }

    public String method() {
        return method;
    }

    public String result() {
        return result;
    }

    public String reason() {
        return reason;
    }

    /** Properties in insertion order, keyed "ptype.property" (e.g. "header.d"). */
    public Map<String, String> properties() {
        Map<String, String> ordered = new LinkedHashMap<>();
        for (String k : order) {
            ordered.put(k, properties.get(k));
        }
        return ordered;
    }

    /** The resinfo text, e.g. {@code dkim=pass reason="ok" header.d=example.com header.s=sel}. */
    public String format() {
        StringBuilder sb = new StringBuilder(method).append('=').append(result);
        if (reason != null && !reason.isEmpty()) {
            sb.append(" reason=").append(AuthResultsHeader.quoteIfNeeded(reason));
        }
        for (String k : order) {
            sb.append(' ').append(k).append('=').append(AuthResultsHeader.quoteIfNeeded(properties.get(k)));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return format();
    }

    public static final class Builder {
        private final String method;
        private final String result;
        private String reason;
        private final Map<String, String> properties = new LinkedHashMap<>();

        private Builder(String method, String result) {
            this.method = method;
            this.result = result;
        }

        public Builder reason(String reason) {
            this.reason = reason;
            return this;
        }

        /** Adds a property; null or empty values are skipped. */
        public Builder property(String key, String value) {
            if (value != null && !value.isEmpty()) {
                properties.put(key, value);
            }
            return this;
        }

        public AuthResult build() {
            return new AuthResult(method, result, reason, properties);
        }
    }
}

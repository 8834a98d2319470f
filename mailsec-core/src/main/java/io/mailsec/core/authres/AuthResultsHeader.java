package io.mailsec.core.authres;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds the value of an Authentication-Results header (RFC 8601): {@code authserv-id; resinfo; resinfo},
 * folded one resinfo per line. With no results the value is {@code authserv-id; none}.
 */
public final class AuthResultsHeader {
    public static final String NAME = "Authentication-Results";

    private final String authservId;
    private final List<AuthResult> results = new ArrayList<>();

    public AuthResultsHeader(String authservId) {
        this.authservId = Objects.requireNonNull(authservId);
    }

    public AuthResultsHeader add(AuthResult result) {
        results.add(result);
        return this;
    }

    public List<AuthResult> results() {
        return List.copyOf(results);
    }

    public String value() {
        if (results.isEmpty()) {
            return authservId + "; none";
        }
        StringBuilder sb = new StringBuilder(authservId);
        for (AuthResult r : results) {
            sb.append(";\r\n\t").append(r.format());
        }
        return sb.toString();
    }

    /** The authserv-id at the start of an existing header value, or null if there is none. */
    public static String authservIdOf(String headerValue) {
        if (headerValue == null) {
            return null;
        }
        String v = headerValue.trim();
        // Skip leading CFWS comments: "(comment) host; ..." is legal.
        while (v.startsWith("(")) {
            int end = v.indexOf(')');
            if (end < 0) {
                return null;
            }
            v = v.substring(end + 1).trim();
        }
        int end = 0;
        while (end < v.length() && !Character.isWhitespace(v.charAt(end)) && v.charAt(end) != ';') {
            end++;
        }
        return end == 0 ? null : v.substring(0, end);
    }

    /** RFC 2045 token characters may go bare; anything else becomes a quoted-string. */
    static String quoteIfNeeded(String value) {
        boolean bare = !value.isEmpty();
        for (int i = 0; i < value.length() && bare; i++) {
            char c = value.charAt(i);
            bare = c > 32 && c < 127 && "()<>,;:\\\"[]?=".indexOf(c) < 0 || c == '@' || c == '/' || c == '.';
        }
        if (bare) {
            return value;
        }
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\r", " ").replace("\n", " ") + '"';
    }
}

package io.mailsec.tls.mtasts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses a policy body (RFC 8461 §3.2): {@code key: value} lines ended by CRLF or LF,
 * {@code version: STSv1}, {@code mode}, {@code max_age} and — unless the mode is {@code none} —
 * at least one {@code mx}. Keys and the mode are case-sensitive as in the RFC's ABNF. Unknown keys
 * are ignored; a repeated key other than {@code mx} counts the first time (§3.2). Anything else
 * makes the policy {@link StsFailureType#POLICY_INVALID}.
 */
public final class StsPolicyParser {
    /** RFC 8461 §3.2: max_age is at most 31557600 seconds (about a year). */
    public static final long MAX_AGE_LIMIT = 31_557_600L;

    private StsPolicyParser() {
    }

    /**
     * @param domain the recipient domain the policy was fetched for
     * @param id the {@code id} of the TXT record it was fetched under
     * @param text the body, decoded
     * @param fetchedAt when it was fetched (its max_age counts from then)
     */
    public static MtaStsPolicy parse(String domain, String id, String text, Instant fetchedAt) throws StsFetchException {
        String version = null;
        String mode = null;
        String maxAge = null;
        List<MxPattern> mx = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            if (line.isBlank()) {
                continue; // the last line end, or an empty line: no field, nothing to judge
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw invalid("line " + (i + 1) + " is not 'key: value': '" + shorten(line) + "'");
            }
            String key = line.substring(0, colon);
            String value = line.substring(colon + 1).strip();
            switch (key) {
                case "version":
                    version = version == null ? value : version;
                    break;
                case "mode":
                    mode = mode == null ? value : mode;
                    break;
                case "max_age":
                    maxAge = maxAge == null ? value : maxAge;
                    break;
                case "mx":
                    try {
                        mx.add(MxPattern.parse(value));
                    } catch (IllegalArgumentException e) {
                        throw invalid("line " + (i + 1) + ": mx " + e.getMessage());
                    }
                    break;
                default:
                    // unknown keys are extensions and ignored (RFC 8461 §3.2)
            }
        }
        if (!"STSv1".equals(version)) {
            throw invalid(version == null ? "no 'version: STSv1' line" : "version '" + shorten(version) + "' is not STSv1");
        }
        if (mode == null) {
            throw invalid("no 'mode' line");
        }
        StsMode m = StsMode.fromWord(mode);
        if (m == null) {
            throw invalid("mode '" + shorten(mode) + "' is not enforce, testing or none");
        }
        if (maxAge == null) {
            throw invalid("no 'max_age' line");
        }
        if (!maxAge.matches("[0-9]{1,10}")) {
            throw invalid("max_age '" + shorten(maxAge) + "' is not 1 to 10 digits");
        }
        // The ABNF allows 10 digits; the lifetime is capped at the RFC's maximum rather than refused.
        long seconds = Math.min(Long.parseLong(maxAge), MAX_AGE_LIMIT);
        if (mx.isEmpty() && m != StsMode.NONE) {
            throw invalid("no 'mx' line (required for mode " + m.word() + ")");
        }
        return new MtaStsPolicy(domain, id, m, mx, seconds, fetchedAt, text);
    }

    private static StsFetchException invalid(String detail) {
        return new StsFetchException(StsFailureType.POLICY_INVALID, detail);
    }

    private static String shorten(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}

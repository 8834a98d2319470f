package io.mailsec.tls.policy;

import java.time.Duration;
import java.util.Locale;

/** Durations in configuration: {@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h}, {@code 1d}; a bare number is seconds. */
public final class DurationParser {
    private DurationParser() {
    }

    /** @throws IllegalArgumentException when {@code text} is not a non-negative duration */
    public static Duration parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < t.length() && Character.isDigit(t.charAt(i))) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("not a duration: " + text);
        }
        long n = Long.parseLong(t.substring(0, i));
        switch (t.substring(i).trim()) {
            case "ms": return Duration.ofMillis(n);
            case "": case "s": return Duration.ofSeconds(n);
            case "m": case "min": return Duration.ofMinutes(n);
            case "h": return Duration.ofHours(n);
            case "d": return Duration.ofDays(n);
            default: throw new IllegalArgumentException("not a duration: " + text);
        }
    }
}

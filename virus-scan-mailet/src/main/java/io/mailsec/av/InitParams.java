package io.mailsec.av;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import javax.mail.MessagingException;
import org.apache.mailet.MailetConfig;

/** Reads and validates mailet init parameters; a bad value fails init() naming the parameter and the value. */
final class InitParams {
    private final MailetConfig config;

    InitParams(MailetConfig config) {
        this.config = config;
    }

    String string(String name, String def) {
        String v = config.getInitParameter(name);
        return v == null || v.isBlank() ? def : v.trim();
    }

    MessagingException bad(String name, String value, String expected) {
        return new MessagingException("invalid init parameter " + name + "='" + value + "': expected " + expected);
    }

    int integer(String name, int def, int min, int max) throws MessagingException {
        String v = string(name, null);
        if (v == null) {
            return def;
        }
        try {
            int i = Integer.parseInt(v);
            if (i < min || i > max) {
                throw bad(name, v, "an integer between " + min + " and " + max);
            }
            return i;
        } catch (NumberFormatException e) {
            throw bad(name, v, "an integer between " + min + " and " + max);
        }
    }

    boolean bool(String name, boolean def) throws MessagingException {
        String v = string(name, null);
        if (v == null) {
            return def;
        }
        switch (v.toLowerCase(Locale.ROOT)) {
            case "true":
            case "yes":
                return true;
            case "false":
            case "no":
                return false;
            default:
                throw bad(name, v, "true or false");
        }
    }

    String oneOf(String name, String def, Set<String> allowed) throws MessagingException {
        String v = string(name, def).toLowerCase(Locale.ROOT);
        if (!allowed.contains(v)) {
            throw bad(name, v, "one of " + allowed);
        }
        return v;
    }

    /** Sizes like 25M, 512K, 1G, 1000 (bytes). */
    long size(String name, long def) throws MessagingException {
        String v = string(name, null);
        if (v == null) {
            return def;
        }
        try {
            return parseSize(v);
        } catch (IllegalArgumentException e) {
            throw bad(name, v, "a size such as 25M, 512K or 1000000");
        }
    }

    static long parseSize(String v) {
        String s = v.trim().toUpperCase(Locale.ROOT);
        long mult = 1;
        if (s.endsWith("B")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.endsWith("K")) {
            mult = 1024;
        } else if (s.endsWith("M")) {
            mult = 1024 * 1024;
        } else if (s.endsWith("G")) {
            mult = 1024L * 1024 * 1024;
        }
        if (mult > 1) {
            s = s.substring(0, s.length() - 1);
        }
        long n = Long.parseLong(s.trim());
        if (n < 0) {
            throw new IllegalArgumentException(v);
        }
        return n * mult;
    }

    /** Durations like 500ms, 30s, 5m, 2h, 1d; a bare number is milliseconds. */
    Duration duration(String name, Duration def) throws MessagingException {
        String v = string(name, null);
        if (v == null) {
            return def;
        }
        try {
            return parseDuration(v);
        } catch (IllegalArgumentException e) {
            throw bad(name, v, "a duration such as 500ms, 30s, 5m, 2h or 1d");
        }
    }

    static Duration parseDuration(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        Duration d;
        if (s.endsWith("ms")) {
            d = Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2).trim()));
        } else if (s.endsWith("s")) {
            d = Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1).trim()));
        } else if (s.endsWith("m")) {
            d = Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1).trim()));
        } else if (s.endsWith("h")) {
            d = Duration.ofHours(Long.parseLong(s.substring(0, s.length() - 1).trim()));
        } else if (s.endsWith("d")) {
            d = Duration.ofDays(Long.parseLong(s.substring(0, s.length() - 1).trim()));
        } else {
            d = Duration.ofMillis(Long.parseLong(s));
        }
        if (d.isNegative()) {
            throw new IllegalArgumentException(v);
        }
        return d;
    }
}

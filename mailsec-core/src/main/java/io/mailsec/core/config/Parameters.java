package io.mailsec.core.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import javax.mail.MessagingException;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.util.DurationParser;
import org.apache.james.util.Size;
import org.apache.mailet.MailetConfig;

import io.mailsec.core.james.JamesPaths;

/**
 * The one reader of mailsec's configuration parameters, for mailets (init parameters) and SMTP hooks
 * (their {@code <handler>} child elements). Every value is validated when James starts, and a bad one
 * fails the start with a message naming the component, the parameter, the value and what is expected.
 *
 * <ul>
 * <li>Unknown parameters (a typo such as {@code dnsTimout}) fail, listing the known ones; James's own
 * per-mailet parameters ({@code onMailetException}, {@code onMatchException}) are always allowed.</li>
 * <li>Durations as James writes them ({@code DurationParser}): {@code 500ms}, {@code 5s}, {@code 10m},
 * {@code 2h}, {@code 1d}; <b>a bare number is milliseconds</b>, on every stage.</li>
 * <li>Sizes as James writes them ({@code Size}): {@code 512K}, {@code 25M}, {@code 1G}; a bare number is bytes.</li>
 * <li>Booleans {@code true}/{@code false} (also {@code yes}/{@code no}); lists separated by commas or blanks.</li>
 * <li>Files: relative paths are relative to James's working directory ({@link JamesPaths}).</li>
 * </ul>
 *
 * @param <E> the exception the container expects: MessagingException for mailets, ConfigurationException for hooks
 */
public final class Parameters<E extends Exception> {
    /** Parameters James itself reads from every mailet element. */
    private static final Set<String> JAMES_OWN = Set.of("onMailetException", "onMatchException");
    private static final String DURATION = "a duration such as 500ms, 5s, 10m, 2h or 1d (a bare number is milliseconds)";

    private final String component;
    private final Function<String, String> values;
    private final Function<String, E> error;

    private Parameters(String component, Function<String, String> values, Iterable<String> names, Collection<String> known,
                       Function<String, E> error) throws E {
        this.component = component;
        this.values = values;
        this.error = error;
        Set<String> unknown = new TreeSet<>();
        for (String n : names) {
            if (!known.contains(n) && !JAMES_OWN.contains(n)) {
                unknown.add(n);
            }
        }
        if (!unknown.isEmpty()) {
            throw error.apply(component + ": unknown parameter" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown)
                    + "; known parameters: " + String.join(", ", new TreeSet<>(known)));
        }
    }

    /** A mailet's init parameters; {@code known} lists every parameter it reads. */
    public static Parameters<MessagingException> of(MailetConfig config, Collection<String> known) throws MessagingException {
        List<String> names = new ArrayList<>();
        config.getInitParameterNames().forEachRemaining(names::add);
        String component = config.getMailetName() == null ? "mailet" : config.getMailetName();
        return new Parameters<>(component, config::getInitParameter, names, known, MessagingException::new);
    }

    /** An SMTP hook's configuration (the child elements of its {@code <handler>}). */
    public static Parameters<ConfigurationException> of(String component, Configuration config, Collection<String> known)
            throws ConfigurationException {
        List<String> names = new ArrayList<>();
        for (Iterator<String> keys = config.getKeys(); keys.hasNext();) {
            String k = keys.next();
            int dot = k.indexOf('.');
            String top = dot > 0 ? k.substring(0, dot) : k;
            // James passes the handler element's own attributes (e.g. [@class]) along with its children
            if (!top.startsWith("[@")) {
                names.add(top);
            }
        }
        return new Parameters<>(component, k -> config.getString(k, null), names, known, ConfigurationException::new);
    }

    /** Values taken from elsewhere, e.g. a matcher's condition; all names are known. */
    public static Parameters<MessagingException> of(String component, java.util.Map<String, String> values) throws MessagingException {
        return new Parameters<>(component, values::get, values.keySet(), values.keySet(), MessagingException::new);
    }

    /** The names in {@code a} and {@code b}, for a component that passes its parameters on to others. */
    public static Set<String> union(Collection<String> a, Collection<String> b) {
        Set<String> s = new LinkedHashSet<>(a);
        s.addAll(b);
        return s;
    }

    /** The failure for a bad value, naming component, parameter, value and expectation. */
    public E bad(String name, String value, String expected) {
        return error.apply(component + ": invalid parameter " + name + "='" + value + "': expected " + expected);
    }

    /** The trimmed value, or null when it is absent or blank. */
    public String raw(String name) {
        String v = values.apply(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    /** The value as written, blank included ({@code <trustedNetworks/>} = none), or null when absent. */
    public String given(String name) {
        return values.apply(name);
    }

    public String string(String name, String def) {
        String v = raw(name);
        return v == null ? def : v;
    }

    public String required(String name, String expected) throws E {
        String v = raw(name);
        if (v == null) {
            throw error.apply(component + ": parameter " + name + " is required: " + expected);
        }
        return v;
    }

    public boolean bool(String name, boolean def) throws E {
        String v = raw(name);
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

    public int integer(String name, int def, int min, int max) throws E {
        String v = raw(name);
        if (v == null) {
            return def;
        }
        try {
            int i = Integer.parseInt(v);
            if (i >= min && i <= max) {
                return i;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw bad(name, v, "an integer from " + min + " to " + max);
    }

    /** A duration of at least {@code min}. */
    public Duration duration(String name, Duration def, Duration min) throws E {
        String v = raw(name);
        if (v == null) {
            return def;
        }
        Duration d;
        try {
            d = DurationParser.parse(v);
        } catch (RuntimeException e) {
            throw bad(name, v, DURATION);
        }
        if (d.compareTo(min) < 0) {
            throw bad(name, v, DURATION + " of at least " + min.toMillis() + "ms");
        }
        return d;
    }

    /** A positive duration. */
    public Duration duration(String name, Duration def) throws E {
        return duration(name, def, Duration.ofMillis(1));
    }

    /** A comma/blank separated list of durations, each of at least {@code min} ({@code def} when absent). */
    public List<Duration> durations(String name, List<Duration> def, Duration min) throws E {
        if (raw(name) == null) {
            return def;
        }
        List<Duration> out = new ArrayList<>();
        for (String v : list(name)) {
            Duration d;
            try {
                d = DurationParser.parse(v);
            } catch (RuntimeException e) {
                throw bad(name, raw(name), "a list of durations such as 5m, 15m, 1h (" + v + " is not one)");
            }
            if (d.compareTo(min) < 0) {
                throw bad(name, raw(name), "a list of durations of at least " + min.toMillis() + "ms each");
            }
            out.add(d);
        }
        if (out.isEmpty()) {
            throw bad(name, raw(name), "a list of durations such as 5m, 15m, 1h");
        }
        return out;
    }

    /** A size in bytes. */
    public long size(String name, long def) throws E {
        String v = raw(name);
        if (v == null) {
            return def;
        }
        try {
            long bytes = Size.parse(v).asBytes();
            if (bytes >= 0) {
                return bytes;
            }
        } catch (RuntimeException e) {
            // reported below
        }
        throw bad(name, v, "a size such as 512K, 25M or 1G (a bare number is bytes)");
    }

    /** One of {@code allowed} (case-insensitive), lower-cased. */
    public String oneOf(String name, String def, Collection<String> allowed) throws E {
        String v = raw(name);
        if (v == null) {
            return def;
        }
        String l = v.toLowerCase(Locale.ROOT);
        if (!allowed.contains(l)) {
            throw bad(name, v, "one of " + String.join(", ", allowed));
        }
        return l;
    }

    /** A comma/blank separated list (empty when absent). */
    public List<String> list(String name) {
        List<String> out = new ArrayList<>();
        String v = raw(name);
        if (v != null) {
            for (String s : v.split("[,\\s]+")) {
                if (!s.isEmpty()) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    /** A readable file, resolved against James's working directory; null when absent. */
    public Path file(String name) throws E {
        String v = raw(name);
        if (v == null) {
            return null;
        }
        Path p = JamesPaths.resolve(v);
        if (!Files.isReadable(p) || Files.isDirectory(p)) {
            throw bad(name, v, "a readable file (" + p + " is not)");
        }
        return p;
    }

    /** A readable directory, resolved against James's working directory; null when absent. */
    public Path directory(String name) throws E {
        String v = raw(name);
        if (v == null) {
            return null;
        }
        Path p = JamesPaths.resolve(v);
        if (!Files.isDirectory(p)) {
            throw bad(name, v, "a directory (" + p + " is not)");
        }
        return p;
    }

    public String component() {
        return component;
    }
}

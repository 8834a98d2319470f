package io.mailsec.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one option parser of every {@code mailsec} command: {@code --flag}, {@code --option VALUE} or
 * {@code --option=VALUE} (repeatable where a command reads {@link #values}), {@code -h}/{@code --help}, and positional
 * arguments. An unknown {@code --option} or a missing value is a {@link UsageException} naming it.
 */
final class CliOptions {
    private final Set<String> flags;
    private final Map<String, List<String>> values = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();
    private final List<String> seenFlags = new ArrayList<>();
    private boolean help;

    private CliOptions(Set<String> flags) {
        this.flags = flags;
    }

    /**
     * Parses {@code args} from index {@code from} on.
     *
     * @param flags   options without a value, e.g. {@code --json}
     * @param valued  options followed by a value, e.g. {@code --dns}
     */
    static CliOptions parse(List<String> args, int from, Set<String> flags, Set<String> valued) throws UsageException {
        CliOptions o = new CliOptions(flags);
        for (int i = from; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--help") || a.equals("-h")) {
                o.help = true;
            } else if (flags.contains(a)) {
                o.seenFlags.add(a);
            } else if (a.startsWith("--") && a.contains("=") && valued.contains(a.substring(0, a.indexOf('=')))) {
                o.values.computeIfAbsent(a.substring(0, a.indexOf('=')), k -> new ArrayList<>()).add(a.substring(a.indexOf('=') + 1));
            } else if (valued.contains(a)) {
                if (i + 1 >= args.size()) {
                    throw new UsageException(a + " needs a value");
                }
                o.values.computeIfAbsent(a, k -> new ArrayList<>()).add(args.get(++i));
            } else if (a.startsWith("--")) {
                throw new UsageException("unknown option " + a);
            } else {
                o.positional.add(a);
            }
        }
        return o;
    }

    boolean help() {
        return help;
    }

    boolean flag(String name) {
        if (!flags.contains(name)) {
            throw new IllegalArgumentException(name + " is not a declared flag");
        }
        return seenFlags.contains(name);
    }

    /** The flag was given, or the option has a value. */
    boolean has(String name) {
        return seenFlags.contains(name) || values.containsKey(name);
    }

    /** The option's last value, or {@code otherwise}. */
    String value(String name, String otherwise) {
        List<String> v = values.get(name);
        return v == null ? otherwise : v.get(v.size() - 1);
    }

    /** Every value the option was given, in order. */
    List<String> values(String name) {
        return Collections.unmodifiableList(values.getOrDefault(name, List.of()));
    }

    /** A whole-number option; {@code unit} names what the number counts, for the error. */
    long number(String name, long otherwise, String unit) throws UsageException {
        String v = value(name, null);
        if (v == null) {
            return otherwise;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(name + " needs a number of " + unit + ", got '" + v + "'");
        }
    }

    List<String> positional() {
        return Collections.unmodifiableList(positional);
    }

    /** The single positional argument (null when none); {@code what} names it for the error when there are more. */
    String single(String what) throws UsageException {
        if (positional.size() > 1) {
            throw new UsageException("only one " + what + " (got " + String.join(", ", positional) + ")");
        }
        return positional.isEmpty() ? null : positional.get(0);
    }
}

package io.mailsec.tls.policy;

import java.util.Objects;

/**
 * The outcome of a policy lookup: the level that applies and the entry that decided it
 * (as written in the file, e.g. {@code .bank.example} or {@code default}) with its source line.
 */
public final class PolicyMatch {
    private final TlsLevel level;
    private final String entry;
    private final EntryKind kind;
    private final int line;

    public PolicyMatch(TlsLevel level, String entry, EntryKind kind, int line) {
        this.level = Objects.requireNonNull(level);
        this.entry = Objects.requireNonNull(entry);
        this.kind = Objects.requireNonNull(kind);
        this.line = line;
    }

    public TlsLevel level() {
        return level;
    }

    /** The entry's subject as written in the policy file ({@code default} for the default entry). */
    public String entry() {
        return entry;
    }

    public EntryKind kind() {
        return kind;
    }

    /** Line in the policy file, 0 for a built-in default. */
    public int line() {
        return line;
    }

    public boolean isDefault() {
        return kind == EntryKind.DEFAULT;
    }

    /** The stricter of two matches (this one on a tie). */
    public PolicyMatch stricter(PolicyMatch other) {
        return other != null && other.level.compareTo(level) > 0 ? other : this;
    }

    @Override
    public String toString() {
        return level.word() + " (" + entry + (line > 0 ? " line " + line : "") + ")";
    }
}

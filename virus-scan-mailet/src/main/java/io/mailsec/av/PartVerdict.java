package io.mailsec.av;

import java.util.List;
import java.util.Objects;

/** The verdict for one MIME leaf part: named by its filename, else by its position ("1", "2.1", ...). */
public final class PartVerdict {
    private final String name;
    private final String position;
    private final String contentType;
    private final Verdict verdict;
    private final List<String> viruses;
    private final String reason;
    private final long size;

    public PartVerdict(String name, String position, String contentType, Verdict verdict, List<String> viruses, String reason, long size) {
        this.name = Objects.requireNonNull(name);
        this.position = Objects.requireNonNull(position);
        this.contentType = contentType;
        this.verdict = Objects.requireNonNull(verdict);
        this.viruses = List.copyOf(viruses);
        this.reason = Objects.requireNonNull(reason);
        this.size = size;
    }

    public String name() {
        return name;
    }

    public String position() {
        return position;
    }

    public String contentType() {
        return contentType;
    }

    public Verdict verdict() {
        return verdict;
    }

    public List<String> viruses() {
        return viruses;
    }

    public String reason() {
        return reason;
    }

    /** Decoded bytes sent to the scanner (-1 if not known). */
    public long size() {
        return size;
    }

    @Override
    public String toString() {
        return name + " [" + position + "] " + verdict.word() + (viruses.isEmpty() ? "" : " " + viruses) + ": " + reason;
    }
}

package io.mailsec.av;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.mailsec.core.json.JsonStrings;

/** Per-part verdicts of one message and their combination (infected &gt; error &gt; unscannable &gt; clean). */
public final class ScanReport {
    private final List<PartVerdict> parts;
    private final Verdict verdict;

    public ScanReport(List<PartVerdict> parts) {
        this.parts = List.copyOf(parts);
        Verdict v = Verdict.CLEAN;
        for (PartVerdict p : parts) {
            if (p.verdict().rank() > v.rank()) {
                v = p.verdict();
            }
        }
        this.verdict = v;
    }

    public Verdict verdict() {
        return verdict;
    }

    public List<PartVerdict> parts() {
        return parts;
    }

    /** Distinct virus names, in part order. */
    public List<String> viruses() {
        Set<String> all = new LinkedHashSet<>();
        parts.forEach(p -> all.addAll(p.viruses()));
        return new ArrayList<>(all);
    }

    /** Parts that decided the verdict. */
    public List<PartVerdict> decisiveParts() {
        List<PartVerdict> out = new ArrayList<>();
        for (PartVerdict p : parts) {
            if (p.verdict() == verdict) {
                out.add(p);
            }
        }
        return out;
    }

    /** A sentence a person can read, e.g. "Test.EICAR.MD5.UNOFFICIAL in eicar.zip". */
    public String reason() {
        switch (verdict) {
            case CLEAN:
                return parts.size() + " part(s) clean";
            case INFECTED:
                List<String> bits = new ArrayList<>();
                for (PartVerdict p : decisiveParts()) {
                    bits.add(String.join(", ", p.viruses()) + " in " + p.name());
                }
                return String.join("; ", bits);
            default:
                List<String> r = new ArrayList<>();
                for (PartVerdict p : decisiveParts()) {
                    r.add(p.name() + ": " + p.reason());
                }
                return String.join("; ", r);
        }
    }

    /** JSON with the keys the CLI documents: {"verdict", "reason", "viruses", "parts": [{"name", "position", "contentType", "verdict", "viruses", "reason", "size"}]}. */
    public String toJson() {
        StringBuilder sb = new StringBuilder(256);
        JsonStrings.quote(sb.append("{\"verdict\":"), verdict.word());
        JsonStrings.quote(sb.append(",\"reason\":"), reason());
        JsonStrings.array(sb.append(",\"viruses\":"), viruses()).append(",\"parts\":[");
        for (int i = 0; i < parts.size(); i++) {
            PartVerdict p = parts.get(i);
            if (i > 0) {
                sb.append(',');
            }
            JsonStrings.quote(sb.append("{\"name\":"), p.name());
            JsonStrings.quote(sb.append(",\"position\":"), p.position());
            JsonStrings.quote(sb.append(",\"contentType\":"), p.contentType());
            JsonStrings.quote(sb.append(",\"verdict\":"), p.verdict().word());
            JsonStrings.array(sb.append(",\"viruses\":"), p.viruses());
            JsonStrings.quote(sb.append(",\"reason\":"), p.reason());
            sb.append(",\"size\":").append(p.size()).append('}');
        }
        return sb.append("]}").toString();
    }

    @Override
    public String toString() {
        return verdict.word() + ": " + reason();
    }
}

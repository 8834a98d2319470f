package io.mailsec.av;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends each walked part to clamd and records its verdict. Once clamd has failed, the remaining
 * parts are not sent (verdict error): a scanner that is down must not be hammered part by part.
 */
final class ClamdSink implements PartSink {
    private final ClamdClient client;
    private final List<PartVerdict> parts = new ArrayList<>();
    private String failure;

    ClamdSink(ClamdClient client) {
        this.client = client;
    }

    ScanReport report() {
        return new ScanReport(parts);
    }

    @Override
    public void content(PartRef part, InputStream content, String pastLimit) throws IOException {
        if (failure != null) {
            add(part, Verdict.ERROR, List.of(), "not scanned: " + failure, -1);
            return;
        }
        ClamdReply r;
        try {
            r = client.scan(content);
        } catch (ClamdException e) {
            failure = e.getMessage();
            add(part, Verdict.ERROR, List.of(), e.getMessage(), -1);
            return;
        }
        long size = r.bytesSent();
        switch (r.status()) {
            case OK:
                if (pastLimit != null) {
                    add(part, Verdict.UNSCANNABLE, List.of(), pastLimit, size);
                } else {
                    add(part, Verdict.CLEAN, List.of(), "no virus found", size);
                }
                break;
            case TOO_LARGE:
                add(part, Verdict.UNSCANNABLE, List.of(),
                    "too large: over the scanner's stream limit of " + client.streamMaxLength() + " bytes", size);
                break;
            case ERROR:
                failure = "clamd: " + r.raw();
                add(part, Verdict.ERROR, List.of(), failure, size);
                break;
            default:
                found(part, r.signature(), size);
                break;
        }
    }

    @Override
    public void unscannable(PartRef part, String reason) {
        add(part, Verdict.UNSCANNABLE, List.of(), reason, -1);
    }

    /** clamd's heuristic alerts about what it could not scan are "unscannable", not viruses. */
    private void found(PartRef part, String sig, long size) {
        if (sig.startsWith("Heuristics.Encrypted")) {
            add(part, Verdict.UNSCANNABLE, List.of(), "encrypted (" + sig + ")", size);
        } else if (sig.equals("Heuristics.Limits.Exceeded.MaxRecursion")) {
            add(part, Verdict.UNSCANNABLE, List.of(), "archive nesting too deep (" + sig + ")", size);
        } else if (sig.startsWith("Heuristics.Limits.Exceeded.Max") && (sig.endsWith("FileSize") || sig.endsWith("ScanSize"))) {
            add(part, Verdict.UNSCANNABLE, List.of(), "too large (" + sig + ")", size);
        } else if (sig.startsWith("Heuristics.Limits.Exceeded")) {
            add(part, Verdict.UNSCANNABLE, List.of(), "scanner limits exceeded (" + sig + ")", size);
        } else {
            add(part, Verdict.INFECTED, List.of(sig), "virus found: " + sig, size);
        }
    }

    private void add(PartRef part, Verdict v, List<String> viruses, String reason, long size) {
        parts.add(new PartVerdict(part.name(), part.position(), part.contentType(), v, viruses, reason, size));
    }
}

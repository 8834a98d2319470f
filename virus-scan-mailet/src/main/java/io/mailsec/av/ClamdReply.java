package io.mailsec.av;

import java.util.Objects;

/** What clamd said about one INSTREAM scan. */
public final class ClamdReply {
    public enum Status {
        /** "stream: OK" for the whole stream. */
        OK,
        /** "stream: NAME FOUND" (a signature or a heuristic alert such as Heuristics.Encrypted.Zip). */
        FOUND,
        /** The stream was longer than the stream limit (ours or clamd's StreamMaxLength); not fully scanned. */
        TOO_LARGE,
        /** clamd answered "... ERROR" for this scan. */
        ERROR
    }

    private final Status status;
    private final String signature;
    private final String raw;
    private final long bytesSent;

    ClamdReply(Status status, String signature, String raw, long bytesSent) {
        this.status = Objects.requireNonNull(status);
        this.signature = signature;
        this.raw = raw;
        this.bytesSent = bytesSent;
    }

    public Status status() {
        return status;
    }

    /** Signature name for FOUND, e.g. {@code Test.EICAR.MD5.UNOFFICIAL}; null otherwise. */
    public String signature() {
        return signature;
    }

    /** clamd's reply text (without the session id), or our own note for a client-side limit. */
    public String raw() {
        return raw;
    }

    public long bytesSent() {
        return bytesSent;
    }

    /** Parses a reply line to INSTREAM. Unknown shapes are an error of the conversation. */
    static ClamdReply parse(String reply, long bytesSent, boolean truncated) throws ClamdException {
        String r = reply.trim();
        if (r.endsWith(" FOUND")) {
            String body = r.substring(0, r.length() - " FOUND".length());
            int colon = body.indexOf(": ");
            String name = colon >= 0 ? body.substring(colon + 2) : body;
            return new ClamdReply(Status.FOUND, name.trim(), r, bytesSent);
        }
        if (r.endsWith(": OK") || r.equals("OK")) {
            return truncated
                ? new ClamdReply(Status.TOO_LARGE, null, "stream limit reached after " + bytesSent + " bytes; prefix clean", bytesSent)
                : new ClamdReply(Status.OK, null, r, bytesSent);
        }
        if (r.contains("size limit exceeded")) {
            return new ClamdReply(Status.TOO_LARGE, null, r, bytesSent);
        }
        if (r.endsWith("ERROR")) {
            return new ClamdReply(Status.ERROR, null, r, bytesSent);
        }
        throw new ClamdException("unexpected clamd reply: " + r);
    }

    @Override
    public String toString() {
        return status + (signature != null ? " " + signature : "") + " (" + raw + ")";
    }
}

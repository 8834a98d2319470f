package io.mailsec.tls.outbound;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One SMTP reply: code and text lines (without the code prefix). */
public final class SmtpReply {
    private static final Pattern ENHANCED = Pattern.compile("^([245]\\.\\d{1,3}\\.\\d{1,3})\\b");
    private final int code;
    private final List<String> lines;

    public SmtpReply(int code, List<String> lines) {
        this.code = code;
        this.lines = List.copyOf(lines);
    }

    public int code() {
        return code;
    }

    public List<String> lines() {
        return lines;
    }

    public boolean isPositive() {
        return code >= 200 && code < 400;
    }

    public boolean isTransient() {
        return code >= 400 && code < 500;
    }

    public boolean isPermanent() {
        return code >= 500;
    }

    /** The RFC 3463 enhanced status code of the first line, or a generic one from the reply class. */
    public String enhancedStatus() {
        if (!lines.isEmpty()) {
            Matcher m = ENHANCED.matcher(lines.get(0));
            if (m.find()) {
                return m.group(1);
            }
        }
        return code >= 500 ? "5.0.0" : code >= 400 ? "4.0.0" : "2.0.0";
    }

    /** "550 5.1.1 no such user" (lines joined with a space). */
    @Override
    public String toString() {
        return code + " " + String.join(" ", lines);
    }
}

package io.mailsec.dkim.james;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import javax.mail.Header;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

/** Header edits JavaMail lacks: put fields on top (RFC 6376 §5.6, RFC 8601 §5) and drop selected fields. */
final class Headers {
    private Headers() {
    }

    /**
     * Rewrites the header block as {@code top} fields followed by the existing fields, minus those
     * {@code drop} selects. Existing lines are kept verbatim (folding included).
     */
    static void rewrite(MimeMessage message, List<String> top, Predicate<String> drop) throws MessagingException {
        List<String> lines = Collections.list(message.getAllHeaderLines());
        Set<String> names = new LinkedHashSet<>();
        for (Header h : Collections.list(message.getAllHeaders())) {
            names.add(h.getName());
        }
        List<String> keep = new ArrayList<>(lines.size());
        for (String l : lines) {
            if (!drop.test(l)) {
                keep.add(l);
            }
        }
        if (top.isEmpty() && keep.size() == lines.size()) {
            return;
        }
        for (String n : names) {
            message.removeHeader(n);
        }
        for (String t : top) {
            message.addHeaderLine(t);
        }
        for (String l : keep) {
            message.addHeaderLine(l);
        }
    }

    /** The field name of a raw header line. */
    static String name(String line) {
        int colon = line.indexOf(':');
        return colon < 0 ? line.trim() : line.substring(0, colon).trim();
    }

    /** The value of a raw header line (after the colon, unfolded). */
    static String value(String line) {
        int colon = line.indexOf(':');
        return colon < 0 ? "" : line.substring(colon + 1).replace("\r\n", "").replace("\n", "").trim();
    }
}

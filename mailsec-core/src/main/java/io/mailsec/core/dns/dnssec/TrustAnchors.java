package io.mailsec.core.dns.dnssec;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * A trust-anchor file: DS or DNSKEY records in zone-file format, as Debian's dns-root-data ships
 * ({@code /usr/share/dns/root.ds}, {@code root.key}) and {@code unbound-anchor} writes. Read and
 * checked here so a wrong file stops the start with its name and line, instead of dnsjava quietly
 * keeping no anchor, which would make every answer INSECURE: DANE silently off.
 */
public final class TrustAnchors {
    private final Path file;
    private final byte[] text;
    private final List<Record> anchors;

    private TrustAnchors(Path file, byte[] text, List<Record> anchors) {
        this.file = file;
        this.text = text;
        this.anchors = anchors;
    }

    /** Reads {@code file}; IllegalArgumentException naming the file (and line) when it is missing, unreadable or has no anchor. */
    public static TrustAnchors read(Path file) {
        byte[] text;
        try {
            text = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("trust anchor file " + file.toAbsolutePath() + " cannot be read: " + e, e);
        }
        List<Record> anchors = new ArrayList<>();
        try (Master m = new Master(new ByteArrayInputStream(text), Name.root, 0)) {
            for (Record r; (r = m.nextRecord()) != null;) {
                if (r.getType() == Type.DS || r.getType() == Type.DNSKEY) {
                    anchors.add(r);
                }
            }
        } catch (IOException e) {
            // Master names the line as "<none>:3: ..." when it reads from a stream
            String why = String.valueOf(e.getMessage()).replaceFirst("^<none>:(\\d+):", "line $1:");
            throw new IllegalArgumentException("trust anchor file " + file.toAbsolutePath() + ": " + why, e);
        }
        if (anchors.isEmpty()) {
            throw new IllegalArgumentException("trust anchor file " + file.toAbsolutePath()
                    + " has no DS or DNSKEY record (zone-file format, e.g. '. IN DS 20326 8 2 E06D...')");
        }
        return new TrustAnchors(file, text, Collections.unmodifiableList(anchors));
    }

    public Path file() {
        return file;
    }

    /** The DS and DNSKEY records, in file order. */
    public List<Record> anchors() {
        return anchors;
    }

    /** The file's bytes, for dnsjava's {@code ValidatingResolver.loadTrustAnchors}. */
    ByteArrayInputStream stream() {
        return new ByteArrayInputStream(text);
    }

    @Override
    public String toString() {
        List<String> names = new ArrayList<>();
        for (Record r : anchors) {
            names.add(r.getName() + " " + Type.string(r.getType()));
        }
        return file + " " + names;
    }
}

package io.mailsec.av.james;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Addresses that asked for no virus warnings: a UTF-8 text file, one address per line
 * ({@code user@example.com}, or {@code @example.com} for a whole domain), {@code #} starts a comment,
 * case-insensitive. Re-read when its modification time changes. The file must exist at start
 * ({@link VirusWarning} checks); one removed later means nobody opted out, with a WARN line.
 */
final class OptOutList {
    private static final Logger LOG = LoggerFactory.getLogger(OptOutList.class);

    private final Path file;
    private volatile Set<String> entries = Set.of();
    private volatile FileTime loaded;

    OptOutList(Path file) {
        this.file = file;
        reloadIfChanged();
    }

    boolean contains(String address) {
        reloadIfChanged();
        String a = address.toLowerCase(Locale.ROOT);
        int at = a.lastIndexOf('@');
        Set<String> e = entries;
        return e.contains(a) || (at >= 0 && e.contains(a.substring(at)));
    }

    private synchronized void reloadIfChanged() {
        if (file == null) {
            return;
        }
        try {
            FileTime t = Files.getLastModifiedTime(file);
            if (t.equals(loaded)) {
                return;
            }
            Set<String> s = new HashSet<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int hash = line.indexOf('#');
                String v = (hash >= 0 ? line.substring(0, hash) : line).trim().toLowerCase(Locale.ROOT);
                if (!v.isEmpty()) {
                    s.add(v);
                }
            }
            entries = Set.copyOf(s);
            loaded = t;
            LOG.info("virus-warning opt-out file={} entries={}", file, s.size());
        } catch (NoSuchFileException e) {
            if (loaded != null) {
                LOG.warn("virus-warning opt-out file={} removed: nobody is opted out until it is back", file);
            }
            entries = Set.of();
            loaded = null;
        } catch (IOException e) {
            LOG.warn("virus-warning opt-out file={} unreadable error=\"{}\" (keeping {} entries)", file, e.getMessage(), entries.size());
        }
    }
}

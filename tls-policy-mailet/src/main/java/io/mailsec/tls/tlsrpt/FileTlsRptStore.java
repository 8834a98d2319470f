package io.mailsec.tls.tlsrpt;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded store: under a directory (James's {@code var/mailsec/tls-rpt/} in production), one
 * file per UTC day, {@code 2026-12-03.jsonl}, to which every session adds a line ({@link StoreLines}).
 * Nothing is ever rewritten, so the counts of a day are whatever its file says: they survive a
 * restart because they were never only in memory.
 *
 * <p>Crash safety: each append is one {@code write} to a file opened for appending, policy line and
 * session line together, so a JVM that dies loses at most the line being written, which is then torn
 * (no newline at its end). Reading skips a torn or unreadable line and counts it. When the store next
 * opens that file it cuts the torn tail off (it was not counted, so no count changes), else the next
 * line would be glued to it; a write the disk refuses half-way (full) is taken back the same way.
 * Lines are not forced to the disk one by one: a power failure can lose what the operating system had
 * not written yet, as for the tracking log.
 *
 * <p>Retention: when a new day is first appended to, days older than {@code retentionDays} (today
 * counted) are deleted; {@link #purgeBefore} does it on demand. One store per directory and JVM:
 * two stores appending to one file could interleave a line that needs more than one {@code write}.
 */
public final class FileTlsRptStore implements TlsRptStore {
    /** A week: yesterday's report is built today; the rest is there for a resend or a look by hand. */
    public static final int DEFAULT_RETENTION_DAYS = 7;
    private static final Logger LOG = LoggerFactory.getLogger(FileTlsRptStore.class);
    private static final String SUFFIX = ".jsonl";
    // A day written to long after it ended (a late record) gets its file opened again; keep two open.
    private static final int OPEN_FILES = 2;

    private final Path dir;
    private final Clock clock;
    private final int retentionDays;
    private final Map<LocalDate, DayFile> open = new LinkedHashMap<>();
    private LocalDate newestDay;

    private FileTlsRptStore(Path dir, Clock clock, int retentionDays) {
        this.dir = dir;
        this.clock = clock;
        this.retentionDays = retentionDays;
    }

    /**
     * A store under {@code dir} (created when missing) that keeps {@code retentionDays} days (at least
     * 2: yesterday is reported today); days already past their retention are removed now.
     */
    public static FileTlsRptStore open(Path dir, Clock clock, int retentionDays) throws IOException {
        if (retentionDays < 2) {
            throw new IllegalArgumentException("retention must be at least 2 days (yesterday is reported today), got " + retentionDays);
        }
        Files.createDirectories(dir);
        FileTlsRptStore s = new FileTlsRptStore(dir.toAbsolutePath().normalize(), clock, retentionDays);
        s.purgeBefore(firstKept(LocalDate.now(clock.withZone(java.time.ZoneOffset.UTC)), retentionDays));
        return s;
    }

    private static LocalDate firstKept(LocalDate today, int retentionDays) {
        return today.minusDays(retentionDays - 1L);
    }

    public Path directory() {
        return dir;
    }

    @Override
    public synchronized void append(SessionRecord r) throws IOException {
        LocalDate day = r.day();
        if (newestDay == null || day.isAfter(newestDay)) {
            newestDay = day;
            LocalDate today = LocalDate.now(clock.withZone(java.time.ZoneOffset.UTC));
            purgeBefore(firstKept(day.isAfter(today) ? day : today, retentionDays));
        }
        DayFile f = open.get(day);
        if (f == null) {
            f = new DayFile(file(day));
            open.put(day, f);
            if (open.size() > OPEN_FILES) {
                Iterator<Map.Entry<LocalDate, DayFile>> oldest = open.entrySet().iterator();
                oldest.next().getValue().close();
                oldest.remove();
            }
        }
        f.append(r);
    }

    @Override
    public long read(LocalDate day, Consumer<SessionRecord> sink) throws IOException {
        Path file = file(day);
        Map<String, AppliedPolicy> policies = new HashMap<>();
        long skipped = 0;
        long lineNo = 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            ByteArrayOutputStream line = new ByteArrayOutputStream(256);
            int b;
            while ((b = in.read()) != -1) {
                if (b != '\n') {
                    line.write(b);
                    continue;
                }
                lineNo++;
                if (!readLine(line, policies, sink, file, lineNo)) {
                    skipped++;
                }
                line.reset();
            }
            if (line.size() > 0) {
                // no newline at the end: a write the crash cut short (or one still under way)
                LOG.warn("event=tls-rpt-line-skipped file={} line={} reason=torn", file, lineNo + 1);
                skipped++;
            }
        } catch (NoSuchFileException e) {
            return 0;
        }
        return skipped;
    }

    private static boolean readLine(ByteArrayOutputStream bytes, Map<String, AppliedPolicy> policies, Consumer<SessionRecord> sink,
            Path file, long lineNo) {
        if (bytes.size() == 0) {
            return true; // the newline that ended a torn tail after a restart
        }
        try {
            CharBuffer text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray()));
            Optional<SessionRecord> r = StoreLines.read(text.toString(), policies);
            r.ifPresent(sink);
            return true;
        } catch (CharacterCodingException | IllegalArgumentException | DateTimeParseException e) {
            LOG.warn("event=tls-rpt-line-skipped file={} line={} reason=\"{}\"", file, lineNo, String.valueOf(e.getMessage()).replace('"', '\''));
            return false;
        }
    }

    @Override
    public SortedSet<LocalDate> days() throws IOException {
        SortedSet<LocalDate> days = new TreeSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(p -> day(p).ifPresent(days::add));
        }
        return days;
    }

    @Override
    public synchronized int purgeBefore(LocalDate firstKept) throws IOException {
        int removed = 0;
        for (LocalDate d : days()) {
            if (d.isBefore(firstKept)) {
                DayFile f = open.remove(d);
                if (f != null) {
                    f.close();
                }
                Files.deleteIfExists(file(d));
                LOG.info("event=tls-rpt-day-purged day={} dir={}", d, dir);
                removed++;
            }
        }
        return removed;
    }

    @Override
    public synchronized void close() throws IOException {
        for (DayFile f : open.values()) {
            f.close();
        }
        open.clear();
    }

    private Path file(LocalDate day) {
        return dir.resolve(day + SUFFIX);
    }

    private static Optional<LocalDate> day(Path p) {
        String n = p.getFileName().toString();
        if (!n.matches("\\d{4}-\\d{2}-\\d{2}" + java.util.regex.Pattern.quote(SUFFIX))) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.parse(n.substring(0, n.length() - SUFFIX.length())));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** One day's file, open for appending, and the policies this instance has written to it. */
    private static final class DayFile {
        private final Path path;
        private final FileChannel channel;
        private final Set<String> policiesWritten = new HashSet<>();

        DayFile(Path path) throws IOException {
            this.path = path;
            cutTornTail(path);
            this.channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        }

        /**
         * Removes what follows the last newline: a line the last run did not finish. It was skipped when
         * read before, so removing it changes no count; left in place, the next line would be glued to it.
         */
        private static void cutTornTail(Path path) throws IOException {
            if (!Files.exists(path)) {
                return;
            }
            try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
                long end = f.length();
                long pos = end;
                byte[] buf = new byte[4096];
                while (pos > 0) {
                    int n = (int) Math.min(buf.length, pos);
                    f.seek(pos - n);
                    f.readFully(buf, 0, n);
                    int i = n - 1;
                    while (i >= 0 && buf[i] != '\n') {
                        i--;
                    }
                    if (i >= 0) {
                        pos = pos - n + i + 1;
                        break;
                    }
                    pos -= n;
                }
                if (pos < end) {
                    f.setLength(pos);
                    LOG.warn("event=tls-rpt-torn-line-removed file={} bytes={}", path, end - pos);
                }
            }
        }

        void append(SessionRecord r) throws IOException {
            String id = StoreLines.policyId(r.policy());
            String text = StoreLines.sessionLine(id, r);
            boolean newPolicy = !policiesWritten.contains(id);
            if (newPolicy) {
                text = StoreLines.policyLine(id, r.policy()) + text;
            }
            write(text);
            if (newPolicy) {
                policiesWritten.add(id);
            }
        }

        /** Writes all of {@code text} or, when the disk refuses part of it (full), takes the part back. */
        private void write(String text) throws IOException {
            ByteBuffer b = StandardCharsets.UTF_8.encode(text);
            long before = channel.size();
            try {
                while (b.hasRemaining()) {
                    channel.write(b);
                }
            } catch (IOException e) {
                if (b.position() > 0) {
                    try {
                        channel.truncate(before);
                    } catch (IOException again) {
                        e.addSuppressed(again);
                    }
                }
                throw e;
            }
        }

        void close() throws IOException {
            channel.close();
        }

        @Override
        public String toString() {
            return path.toString();
        }
    }
}

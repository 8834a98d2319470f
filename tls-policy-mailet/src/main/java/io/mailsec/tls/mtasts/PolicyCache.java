package io.mailsec.tls.mtasts;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailsec.core.json.JsonStrings;

/**
 * The policies fetched so far, one JSON file per domain under a directory (James's
 * {@code var/mailsec/mta-sts/} in production), so that a restart keeps them — RFC 8461 §5.1: the
 * protection against a downgrade at the next fetch comes from the cached policy. A file holds
 * domain, id, fetch time and the policy body as served; the body is parsed again when read, so
 * the file never disagrees with the parser. Files are replaced atomically (written beside, then
 * renamed); one that cannot be read is logged and ignored. Read once per domain, then from memory.
 *
 * <pre>
 * {"domain":"example.com","id":"20260101T000000","fetchedAt":"2026-12-04T03:19:45Z","policy":"version: STSv1\r\nmode: enforce\r\n..."}
 * </pre>
 */
public final class PolicyCache {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyCache.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    // Names that are safe as file names: lower-case LDH labels, no "..", no "/".
    private static final Pattern FILE_SAFE = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");

    private final Path dir;
    private final Map<String, Optional<MtaStsPolicy>> memory = new ConcurrentHashMap<>();

    private PolicyCache(Path dir) {
        this.dir = dir;
    }

    /** A cache persisted under {@code dir} (created when missing). */
    public static PolicyCache in(Path dir) throws IOException {
        Files.createDirectories(dir);
        return new PolicyCache(dir.toAbsolutePath().normalize());
    }

    /** A cache that lives only as long as the JVM (tests, or a configuration without a cache directory). */
    public static PolicyCache inMemory() {
        return new PolicyCache(null);
    }

    /** The directory, or null for an in-memory cache. */
    public Path directory() {
        return dir;
    }

    /** The last policy stored for {@code domain}, expired or not. */
    public Optional<MtaStsPolicy> get(String domain) {
        return memory.computeIfAbsent(domain, this::read);
    }

    /** Remembers {@code policy} for its domain, replacing the previous one; a failed write is logged and the policy kept in memory. */
    public void put(MtaStsPolicy policy) {
        memory.put(policy.domain(), Optional.of(policy));
        Path file = file(policy.domain());
        if (file == null) {
            return;
        }
        StringBuilder b = new StringBuilder(256 + policy.text().length());
        JsonStrings.quote(b.append("{\"domain\":"), policy.domain());
        JsonStrings.quote(b.append(",\"id\":"), policy.id());
        JsonStrings.quote(b.append(",\"fetchedAt\":"), policy.fetchedAt().toString());
        JsonStrings.quote(b.append(",\"policy\":"), policy.text());
        b.append("}\n");
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                java.nio.ByteBuffer bytes = StandardCharsets.UTF_8.encode(b.toString());
                while (bytes.hasRemaining()) {
                    ch.write(bytes);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            deleteQuietly(tmp);
            LOG.warn("event=mta-sts-cache-write-failed domain={} file={} error=\"{}\" keeping=memory", policy.domain(), file, e.toString());
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            if (p != null) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // the write failure is what gets logged
        }
    }

    private Optional<MtaStsPolicy> read(String domain) {
        Path file = file(domain);
        if (file == null) {
            return Optional.empty();
        }
        try {
            JsonNode n = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
            String stored = n.path("domain").asText("");
            if (!stored.equals(domain)) {
                throw new IOException("file is for domain '" + stored + "'");
            }
            return Optional.of(StsPolicyParser.parse(domain, n.path("id").asText(""), n.path("policy").asText(""),
                    Instant.parse(n.path("fetchedAt").asText(""))));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException | StsFetchException e) {
            LOG.warn("event=mta-sts-cache-unreadable domain={} file={} error=\"{}\" action=ignored", domain, file, firstLine(e));
            return Optional.empty();
        }
    }

    /** Log lines stay one line: parser messages add the input position on a second one. */
    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return (nl >= 0 ? m.substring(0, nl) : m).replace("\"", "'");
    }

    private Path file(String domain) {
        if (dir == null || !FILE_SAFE.matcher(domain).matches() || domain.length() > 240) {
            return null;
        }
        return dir.resolve(domain + ".json");
    }
}

package io.mailsec.tls.mtasts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RFC 8461 §5.1 cache: policies survive a restart; files are replaced whole; a bad file is ignored. */
class PolicyCacheTest {
    private static final String TEXT = "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 86400\r\n";

    @TempDir
    Path dir;

    @Test
    void aNewCacheOnTheSameDirectoryReadsWhatWasStored() throws Exception {
        Instant at = Instant.parse("2026-12-04T03:19:45.123Z");
        PolicyCache.in(dir).put(StsPolicyParser.parse("example.com", "id1", TEXT, at));
        MtaStsPolicy read = PolicyCache.in(dir).get("example.com").orElseThrow();
        assertThat(read.id()).isEqualTo("id1");
        assertThat(read.fetchedAt()).isEqualTo(at);
        assertThat(read.text()).isEqualTo(TEXT);
        assertThat(read.mxPatterns()).containsExactly("mail.example.com");
        assertThat(Files.readString(dir.resolve("example.com.json")))
                .isEqualTo("{\"domain\":\"example.com\",\"id\":\"id1\",\"fetchedAt\":\"2026-12-04T03:19:45.123Z\",\"policy\":"
                        + "\"version: STSv1\\r\\nmode: enforce\\r\\nmx: mail.example.com\\r\\nmax_age: 86400\\r\\n\"}\n");
        assertThat(PolicyCache.in(dir).get("other.example")).isEmpty();
    }

    @Test
    void replacingLeavesOneFileAndNoTemporaryOnes() throws Exception {
        PolicyCache c = PolicyCache.in(dir);
        c.put(StsPolicyParser.parse("example.com", "id1", TEXT, Instant.now()));
        c.put(StsPolicyParser.parse("example.com", "id2", TEXT.replace("enforce", "testing"), Instant.now()));
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("example.com.json");
        }
        assertThat(PolicyCache.in(dir).get("example.com").orElseThrow().mode()).isEqualTo(StsMode.TESTING);
    }

    @Test
    void unreadableOrForeignFilesAreIgnored() throws Exception {
        Files.writeString(dir.resolve("broken.example.json"), "{\"domain\":\"broken.exa");
        Files.writeString(dir.resolve("moved.example.json"), "{\"domain\":\"other.example\",\"id\":\"x\",\"fetchedAt\":\"2026-01-01T00:00:00Z\",\"policy\":\""
                + TEXT.replace("\r\n", "\\r\\n") + "\"}");
        Files.writeString(dir.resolve("bad.example.json"), "{\"domain\":\"bad.example\",\"id\":\"x\",\"fetchedAt\":\"2026-01-01T00:00:00Z\",\"policy\":\"mode: x\"}");
        PolicyCache c = PolicyCache.in(dir);
        assertThat(c.get("broken.example")).isEmpty();
        assertThat(c.get("moved.example")).isEmpty();
        assertThat(c.get("bad.example")).isEmpty();
    }

    @Test
    void namesThatAreNoFileNamesStayInMemory() throws Exception {
        PolicyCache c = PolicyCache.in(dir);
        c.put(StsPolicyParser.parse("../escape", "id1", TEXT, Instant.now()));
        assertThat(c.get("../escape")).isPresent();
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
        assertThat(Files.exists(dir.resolveSibling("escape.json"))).isFalse();
    }
}

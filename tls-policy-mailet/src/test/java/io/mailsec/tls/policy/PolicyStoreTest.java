package io.mailsec.tls.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reload without restart; a broken file is rejected as a whole and the previous policy stays (issue 3). */
class PolicyStoreTest {
    @TempDir
    Path dir;

    private final AtomicLong nanos = new AtomicLong();

    private void write(Path f, String text, long mtimeMillis) throws Exception {
        Path tmp = dir.resolve("tmp");
        Files.writeString(tmp, text);
        Files.setLastModifiedTime(tmp, FileTime.fromMillis(mtimeMillis));
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void reloadsChangedFileAfterCheckInterval() throws Exception {
        Path f = dir.resolve("tls.policy");
        write(f, "[outbound]\nexample.com encrypt\n", 1_000_000);
        PolicyStore store = new PolicyStore(f, Duration.ofSeconds(2), nanos::get);
        assertThat(store.current().outbound().lookup("a@example.com").level()).isEqualTo(TlsLevel.ENCRYPT);

        write(f, "[outbound]\nexample.com verify\n", 2_000_000);
        assertThat(store.current().outbound().lookup("a@example.com").level())
                .as("not rechecked before the interval").isEqualTo(TlsLevel.ENCRYPT);
        nanos.addAndGet(Duration.ofSeconds(3).toNanos());
        assertThat(store.current().outbound().lookup("a@example.com").level()).isEqualTo(TlsLevel.VERIFY);
    }

    @Test
    void brokenFileKeepsPreviousPolicyUntilFixed() throws Exception {
        Path f = dir.resolve("tls.policy");
        write(f, "[outbound]\nexample.com encrypt\n", 1_000_000);
        PolicyStore store = new PolicyStore(f, Duration.ZERO, nanos::get);

        write(f, "[outbound]\nexample.com verify\nbad.example maybe\n", 2_000_000);
        assertThat(store.checkNow()).isFalse();
        assertThat(store.current().outbound().lookup("a@example.com").level()).isEqualTo(TlsLevel.ENCRYPT);
        assertThat(store.lastError().line()).isEqualTo(3);
        assertThat(store.lastError().getMessage()).startsWith(f.toAbsolutePath() + ":3: unknown level 'maybe'");

        write(f, "[outbound]\nexample.com none\n", 3_000_000);
        assertThat(store.checkNow()).isTrue();
        assertThat(store.current().outbound().lookup("a@example.com").level()).isEqualTo(TlsLevel.NONE);
        assertThat(store.lastError()).isNull();
    }

    @Test
    void deletedFileKeepsPreviousPolicy() throws Exception {
        Path f = dir.resolve("tls.policy");
        write(f, "[outbound]\nexample.com encrypt\n", 1_000_000);
        PolicyStore store = new PolicyStore(f, Duration.ZERO, nanos::get);
        Files.delete(f);
        assertThat(store.current().outbound().lookup("a@example.com").level()).isEqualTo(TlsLevel.ENCRYPT);
    }

    @Test
    void firstLoadMustSucceed() throws Exception {
        Path f = dir.resolve("tls.policy");
        write(f, "[outbound]\nexample.com\n", 1_000_000);
        assertThatThrownBy(() -> PolicyStore.open(f, Duration.ZERO)).isInstanceOf(PolicyParseException.class)
                .hasMessageContaining(":2: expected 'SUBJECT LEVEL'");
    }
}

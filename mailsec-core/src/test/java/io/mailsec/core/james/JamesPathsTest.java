package io.mailsec.core.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 15: relative parameter paths resolve against James's working directory, as James's own FileSystem does. */
class JamesPathsTest {
    @AfterEach
    void clear() {
        System.clearProperty(JamesPaths.PROPERTY);
    }

    @Test
    void relativeAndFileUrlsResolveAgainstTheWorkingDirectoryNotTheCurrentOne() {
        System.setProperty(JamesPaths.PROPERTY, "/root/");
        assertThat(JamesPaths.resolve("conf/dkim/keytable")).isEqualTo(Path.of("/root/conf/dkim/keytable"));
        assertThat(JamesPaths.resolve("file://conf/mailsec-tls.policy")).isEqualTo(Path.of("/root/conf/mailsec-tls.policy"));
        assertThat(JamesPaths.resolve(" ./conf/../conf/x ")).isEqualTo(Path.of("/root/conf/x"));
    }

    @Test
    void absolutePathsStayAsWritten() {
        System.setProperty(JamesPaths.PROPERTY, "/root/");
        assertThat(JamesPaths.resolve("/etc/mailsec/keytable")).isEqualTo(Path.of("/etc/mailsec/keytable"));
        assertThat(JamesPaths.resolve("file:///etc/mailsec/keytable")).isEqualTo(Path.of("/etc/mailsec/keytable"));
    }

    @Test
    void withoutJamesTheCurrentDirectory() {
        assertThat(JamesPaths.workingDirectory()).isEqualTo(Path.of("").toAbsolutePath());
        assertThat(JamesPaths.resolve("conf/x")).isEqualTo(Path.of("conf/x").toAbsolutePath());
    }
}

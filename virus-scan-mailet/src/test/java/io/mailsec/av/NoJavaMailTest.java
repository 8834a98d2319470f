package io.mailsec.av;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The protocol package (clamd client, MIME walk, verdicts) uses no JavaMail type: JavaMail is James's
 * message model; what the scanner reads is bytes. Checked on the compiled classes, whose constant
 * pools name every type they use.
 */
class NoJavaMailTest {
    @Test
    void protocolClassesReferNoJavaMailType() throws Exception {
        Path dir = Path.of(MessageScanner.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .resolve("io/mailsec/av");
        List<Path> classes;
        try (Stream<Path> s = Files.list(dir)) {
            classes = s.filter(p -> p.toString().endsWith(".class")).collect(Collectors.toList());
        }
        assertThat(classes).extracting(p -> p.getFileName().toString()).contains("MimeWalker.class", "MessageScanner.class");
        for (Path c : classes) {
            String pool = new String(Files.readAllBytes(c), StandardCharsets.ISO_8859_1);
            assertThat(pool).as(c.getFileName().toString()).doesNotContain("javax/mail").doesNotContain("com/sun/mail");
        }
    }
}

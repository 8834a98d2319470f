package io.mailsec.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build check of DESIGN.md: plugin jars bundle nothing James ships and no bytecode newer than Java 11. */
class PluginJarsTest {
    static final List<String> PLUGINS = List.of("mailsec-core", "tls-policy-mailet", "dkim-mailet",
            "spf-dmarc-matcher", "virus-scan-mailet");

    private static Path jamesLib;
    private static PluginJarCheck check;

    @BeforeAll
    static void index() throws IOException {
        jamesLib = JamesProcess.root().resolve("james-conf/target/james-lib");
        check = PluginJarCheck.against(jamesLib);
    }

    @Test
    void everyPluginJarIsCleanAgainstJames381() throws IOException {
        for (String module : PLUGINS) {
            Path jar = pluginJar(module);
            assertThat(check.violations(jar)).as(jar.toString()).isEmpty();
        }
    }

    @Test
    void aJarBundlingAJamesShippedClassOrJava17BytecodeIsRejected(@TempDir Path tmp) throws IOException {
        Path bad = tmp.resolve("bad-plugin.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(bad))) {
            copyEntry(jarOf("guava-31.1-jre.jar"), "com/google/common/base/Strings.class", out);
            // This test class is compiled with --release 17.
            String own = PluginJarsTest.class.getName().replace('.', '/') + ".class";
            out.putNextEntry(new JarEntry("io/mailsec/Bad.class"));
            try (InputStream in = PluginJarsTest.class.getClassLoader().getResourceAsStream(own)) {
                in.transferTo(out);
            }
            out.closeEntry();
        }
        List<String> v = check.violations(bad);
        assertThat(v).hasSize(2);
        assertThat(v.get(0)).contains("com/google/common/base/Strings.class is already shipped by James in guava-31.1-jre.jar");
        assertThat(v.get(1)).contains("io/mailsec/Bad.class has class-file version 61");
    }

    private static Path jarOf(String name) {
        Path p = jamesLib.resolve(name);
        assertThat(p).exists();
        return p;
    }

    private static void copyEntry(Path jar, String entry, OutputStream jarOut) throws IOException {
        try (ZipFile z = new ZipFile(jar.toFile()); InputStream in = z.getInputStream(z.getEntry(entry))) {
            JarOutputStream out = (JarOutputStream) jarOut;
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
    }

    static Path pluginJar(String module) throws IOException {
        Path target = JamesProcess.root().resolve(module).resolve("target");
        try (var s = Files.list(target)) {
            return s.filter(p -> p.getFileName().toString().matches(module + "-[0-9].*\\.jar"))
                    .filter(p -> !p.getFileName().toString().contains("-sources") && !p.getFileName().toString().contains("-tests"))
                    .findFirst().orElseThrow(() -> new AssertionError("no jar for " + module + " in " + target));
        }
    }
}

package io.mailsec.core.testdata;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repository's {@code conformance/} folder (test vectors, suites and peer configurations; origins
 * and licences in its README): the system property {@code mailsec.conformance}, which the parent
 * pom sets for every test, else the first ancestor of the current directory that has it.
 */
public final class Conformance {
    public static final String PROPERTY = "mailsec.conformance";

    private Conformance() {
    }

    public static Path root() {
        String p = System.getProperty(PROPERTY);
        if (p != null && !p.isBlank()) {
            return Path.of(p);
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("conformance/README.md")) && Files.isRegularFile(d.resolve("pom.xml"))) {
                return d.resolve("conformance");
            }
        }
        throw new IllegalStateException("conformance/ not found: run the tests from the repository (mvn) or set -D" + PROPERTY + "=DIR");
    }

    /** A path inside conformance/, e.g. {@code file("dkim/rfc8463")}. */
    public static Path file(String relative) {
        return root().resolve(relative);
    }
}

package io.mailsec.dkim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Paths to the conformance material in the repository (conformance/dkim). */
final class Vectors {
    static final Path ROOT = io.mailsec.core.testdata.Conformance.file("dkim");

    private Vectors() {
    }

    static Path path(String rel) {
        Path p = ROOT.resolve(rel);
        if (!Files.exists(p)) {
            throw new AssertionError("conformance file missing: " + p + " (set -Dmailsec.conformance=DIR)");
        }
        return p;
    }

    static byte[] bytes(String rel) throws IOException {
        return Files.readAllBytes(path(rel));
    }

    /** LF -> CRLF (for upstream files stored with LF). */
    static byte[] crlf(byte[] in) {
        String s = new String(in, java.nio.charset.StandardCharsets.ISO_8859_1).replace("\r\n", "\n").replace("\n", "\r\n");
        return s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    static String text(String rel) throws IOException {
        return Files.readString(path(rel)).trim();
    }
}

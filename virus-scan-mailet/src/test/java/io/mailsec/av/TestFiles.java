package io.mailsec.av;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Test payloads built at run time (the EICAR file is never stored in the repository). */
public final class TestFiles {
    private static final SecureRandom RANDOM = new SecureRandom();

    private TestFiles() {
    }

    /** The 68-byte EICAR test file (md5 44d88612fea8a8f36de82e1278abb02f). */
    public static byte[] eicar() {
        // assembled from two halves so this source file itself is not flagged
        String a = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$";
        String b = "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
        return (a + b).getBytes(StandardCharsets.US_ASCII);
    }

    /** Unique clean text (unique so clamd's result cache never answers for it). */
    public static byte[] cleanText() {
        byte[] r = new byte[48];
        RANDOM.nextBytes(r);
        return ("Hello, this is a harmless file " + java.util.HexFormat.of().formatHex(r) + "\n")
            .getBytes(StandardCharsets.US_ASCII);
    }

    public static byte[] zip(String name, byte[] content) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bos)) {
            z.putNextEntry(new ZipEntry(name));
            z.write(content);
            z.closeEntry();
        }
        return bos.toByteArray();
    }

    /** {@code levels} archives nested in each other; level 1 holds {@code content}. */
    public static byte[] nestedZip(byte[] content, int levels) throws IOException {
        byte[] cur = zip("payload.txt", content);
        for (int i = 2; i <= levels; i++) {
            cur = zip("level" + (i - 1) + ".zip", cur);
        }
        return cur;
    }

    public static byte[] tarGz(String name, byte[] content) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(new GzipCompressorOutputStream(bos))) {
            tarEntry(t, name, content);
        }
        return bos.toByteArray();
    }

    public static byte[] tarBz2(String name, byte[] content) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(new BZip2CompressorOutputStream(bos))) {
            tarEntry(t, name, content);
        }
        return bos.toByteArray();
    }

    private static void tarEntry(TarArchiveOutputStream t, String name, byte[] content) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(content.length);
        t.putArchiveEntry(e);
        t.write(content);
        t.closeArchiveEntry();
    }

    /** A password-protected (ZipCrypto) archive made with Info-ZIP's zip (Debian package zip). */
    public static byte[] encryptedZip(String name, byte[] content) throws Exception {
        Path dir = Files.createTempDirectory("mailsec-enczip");
        try {
            Files.write(dir.resolve(name), content);
            Process p;
            try {
                p = new ProcessBuilder("zip", "-q", "-P", "secret", "out.zip", name).directory(dir.toFile())
                    .redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new IllegalStateException("zip not found: install the Debian package zip "
                    + "(scripts/install-test-deps.sh)", e);
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("zip failed: " + out);
            }
            return Files.readAllBytes(dir.resolve("out.zip"));
        } finally {
            try (var w = Files.walk(dir)) {
                w.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    public static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}

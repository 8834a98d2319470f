package io.mailsec.tls.dane;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Reads OpenSSL's DANE test files ({@code test/danetest.in}, {@code test/dane-cross.in}) as
 * OpenSSL's {@code test/danetest.c} does: blank and {@code #} lines between cases are skipped; a
 * case starts with {@code <TLSA-count> <cert-count> <nonamechecks> <verify-result> <match-depth>},
 * then that many TLSA lines ({@code usage selector mtype hex}), then that many PEM certificates
 * (text between them, such as {@code subject=} lines, is skipped as PEM_read_bio does). Cases are
 * numbered from 1 in file order, as danetest.c counts them; the comments just above a case are its
 * description.
 */
final class OpenSslDaneSuite {
    /** One case of the file. */
    static final class Case {
        final String file;
        final int number;
        final String description;
        final int nonameChecks;
        final int wantResult;
        final int wantDepth;
        final List<String> tlsa;
        final List<X509Certificate> chain;

        Case(String file, int number, String description, int nonameChecks, int wantResult, int wantDepth, List<String> tlsa,
                List<X509Certificate> chain) {
            this.file = file;
            this.number = number;
            this.description = description;
            this.nonameChecks = nonameChecks;
            this.wantResult = wantResult;
            this.wantDepth = wantDepth;
            this.tlsa = tlsa;
            this.chain = chain;
        }

        @Override
        public String toString() {
            return file + " #" + number + (description.isEmpty() ? "" : " (" + description + ")");
        }
    }

    private OpenSslDaneSuite() {
    }

    static List<Case> read(Path file) throws IOException, CertificateException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<Case> cases = new ArrayList<>();
        // Bouncy Castle's parser: cases 1-10 have certificates with an empty issuer name, which the
        // JDK's refuses (so a JSSE client could not even receive them); the matcher takes either.
        CertificateFactory cf = CertificateFactory.getInstance("X.509", new BouncyCastleProvider());
        StringBuilder comment = new StringBuilder();
        int i = 0;
        while (i < lines.size()) {
            String line = lines.get(i++).trim();
            if (line.isEmpty()) {
                comment.setLength(0);
                continue;
            }
            if (line.startsWith("#")) {
                String c = line.substring(1).trim();
                if (!c.matches("[0-9]+")) {
                    comment.append(comment.length() > 0 ? " " : "").append(c);
                }
                continue;
            }
            String[] head = line.split("\\s+");
            if (head.length != 5) {
                throw new IOException(file + " line " + i + ": malformed case line '" + line + "'");
            }
            int ntlsa = Integer.parseInt(head[0]);
            int ncert = Integer.parseInt(head[1]);
            List<String> tlsa = new ArrayList<>();
            for (int t = 0; t < ntlsa; t++) {
                tlsa.add(lines.get(i++).trim());
            }
            List<X509Certificate> chain = new ArrayList<>();
            while (chain.size() < ncert) {
                String l = lines.get(i++);
                if (l.startsWith("-----BEGIN CERTIFICATE-----")) {
                    StringBuilder pem = new StringBuilder(l).append('\n');
                    do {
                        l = lines.get(i++);
                        pem.append(l).append('\n');
                    } while (!l.startsWith("-----END CERTIFICATE-----"));
                    chain.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(pem.toString().getBytes(StandardCharsets.US_ASCII))));
                }
            }
            cases.add(new Case(file.getFileName().toString(), cases.size() + 1, comment.toString(), Integer.parseInt(head[2]),
                    Integer.parseInt(head[3]), Integer.parseInt(head[4]), tlsa, chain));
            comment.setLength(0);
        }
        return cases;
    }
}

package io.mailsec.tls.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mailsec.core.peers.PeerTools;

/**
 * Ajv, a JSON Schema validator written independently of mailsec (npm {@code ajv-cli} 5.0.0 with
 * {@code ajv-formats} 3.0.1 for date-time, email, ipv4/ipv6 and uri), installed into a temporary
 * directory (never into the repository) and reused between runs on one machine, as the
 * spf-dmarc-matcher cross-check installs mailauth. Needs node and npm (Debian {@code nodejs},
 * {@code npm}) and the npm registry; a missing one fails the test naming what to install.
 */
final class AjvCli {
    static final String AJV_CLI = "ajv-cli@5.0.0";
    static final String AJV_FORMATS = "ajv-formats@3.0.1";

    private AjvCli() {
    }

    static Path install() throws Exception {
        PeerTools.requireExecutable("node", "nodejs");
        String npm = PeerTools.requireExecutable("npm", "npm");
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "mailsec-tlsrpt-ajv-cli-5.0.0-formats-3.0.1");
        if (!Files.exists(dir.resolve("node_modules/ajv-cli/dist/index.js")) || !Files.exists(dir.resolve("node_modules/ajv-formats/package.json"))) {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("package.json"), "{\"name\":\"mailsec-tlsrpt-schema\",\"version\":\"1.0.0\",\"private\":true}");
            PeerTools.Result r = PeerTools.run(List.of(npm, "install", "--no-audit", "--no-fund", AJV_CLI, AJV_FORMATS), dir, 300);
            assertThat(r.exit).as("npm install %s %s failed (needs the npm registry): %s %s", AJV_CLI, AJV_FORMATS, r.out, r.err).isZero();
        }
        return dir;
    }

    /**
     * Validates each file against {@code schema} in strict mode with every error reported.
     *
     * @return file name to null when valid, else Ajv's errors (one JSON line)
     */
    static Map<String, String> validate(Path schema, List<Path> files) throws Exception {
        Path dir = install();
        String node = PeerTools.requireExecutable("node", "nodejs");
        List<String> cmd = new ArrayList<>(List.of(node, dir.resolve("node_modules/ajv-cli/dist/index.js").toString(), "validate",
                "-s", schema.toString(), "-c", "ajv-formats", "--all-errors", "--errors=line", "--strict=true"));
        for (Path f : files) {
            cmd.add("-d");
            cmd.add(f.toString());
        }
        PeerTools.Result r = PeerTools.run(cmd, dir, 120);
        assertThat(r.err).as("Ajv refused the schema itself").doesNotContain("schema " + schema + " is invalid");
        Map<String, String> verdicts = new LinkedHashMap<>();
        for (String line : r.out.split("\n")) {
            if (line.endsWith(" valid")) {
                verdicts.put(Path.of(line.substring(0, line.length() - " valid".length())).getFileName().toString(), null);
            }
        }
        String[] err = r.err.split("\n");
        for (int i = 0; i < err.length; i++) {
            if (err[i].endsWith(" invalid")) {
                verdicts.put(Path.of(err[i].substring(0, err[i].length() - " invalid".length())).getFileName().toString(),
                        i + 1 < err.length ? err[i + 1] : "");
            }
        }
        assertThat(verdicts).as("a verdict for every file: %s", r).hasSize(files.size());
        assertThat(r.exit).as("exit status agrees with the verdicts: %s", r).isEqualTo(verdicts.containsValue(null) && !hasInvalid(verdicts) ? 0 : 1);
        return verdicts;
    }

    private static boolean hasInvalid(Map<String, String> verdicts) {
        for (String v : verdicts.values()) {
            if (v != null) {
                return true;
            }
        }
        return false;
    }
}

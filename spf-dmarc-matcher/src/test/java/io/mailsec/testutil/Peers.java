package io.mailsec.testutil;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs real peer programs (Debian packages) and fails with install advice when one is missing. */
public final class Peers {
    private Peers() {
    }

    /** Debian's python3 (the pyenv one on PATH lacks the Debian modules). */
    public static final String PYTHON = "/usr/bin/python3";
    /** This module's DNS test server address (its loopback range: 127.0.2.x). */
    public static final String DNS = "127.0.2.53";

    public static void requireExecutable(String path, String debianPackage) {
        if (!new File(path).canExecute()) {
            fail(path + " is missing: install it with 'apt-get install " + debianPackage + "' (or run scripts/install-test-deps.sh)");
        }
    }

    /** The absolute path of a program on PATH, or a failure naming the package to install. */
    public static String onPath(String program, String debianPackage) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            File f = new File(dir, program);
            if (f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        fail(program + " is not on PATH: install it with 'apt-get install " + debianPackage + "' (or run scripts/install-test-deps.sh)");
        return null;
    }

    public static void requirePythonModule(String module, String debianPackage) throws Exception {
        requireExecutable(PYTHON, "python3");
        Result r = run(List.of(PYTHON, "-c", "import " + module), null, 30);
        if (r.exit != 0) {
            fail("python module '" + module + "' is missing: install it with 'apt-get install " + debianPackage + "'");
        }
    }

    public static final class Result {
        public final int exit;
        public final String out;
        public final String err;

        Result(int exit, String out, String err) {
            this.exit = exit;
            this.out = out;
            this.err = err;
        }

        public List<String> lines() {
            List<String> l = new ArrayList<>();
            for (String s : out.split("\n")) {
                if (!s.isBlank()) {
                    l.add(s.trim());
                }
            }
            return l;
        }
    }

    public static Result run(List<String> cmd, Path dir, int timeoutSeconds) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Path out = Files.createTempFile("peer", ".out");
        Path err = Files.createTempFile("peer", ".err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("peer timed out after " + timeoutSeconds + " s: " + cmd);
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}

package io.mailsec.core.peers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What every test that uses a real peer needs: a missing peer fails (never skips) saying how to
 * install it, commands run with a deadline, and whatever a test started is stopped, also when the
 * JVM exits because a test died.
 */
public final class PeerTools {
    /** Debian's python3 (a python earlier on PATH may lack the Debian modules: python3-dkim, python3-spf). */
    public static final String PYTHON = "/usr/bin/python3";
    private static final List<String> SYSTEM_DIRS = List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin");
    private static final Deque<AutoCloseable> STARTED = new ArrayDeque<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(PeerTools::closeAll));
    }

    private PeerTools() {
    }

    /**
     * The absolute path of {@code program} (an absolute path, or a name looked up on PATH and the
     * system directories), or an error naming the Debian package that has it.
     */
    public static String requireExecutable(String program, String debianPackage) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(SYSTEM_DIRS);
        Path p = Path.of(program);
        if (p.isAbsolute()) {
            if (Files.isExecutable(p)) {
                return program;
            }
        } else {
            for (String d : dirs) {
                if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
                    return Path.of(d, program).toString();
                }
            }
        }
        throw new IllegalStateException(program + " is missing: install it with `apt-get install " + debianPackage
                + "` (or run scripts/install-test-deps.sh as root)");
    }

    public static void requirePythonModule(String module, String debianPackage) throws IOException, InterruptedException {
        requireExecutable(PYTHON, "python3");
        if (run(List.of(PYTHON, "-c", "import " + module), null, 30).exit != 0) {
            throw new IllegalStateException("python module '" + module + "' is missing: install it with `apt-get install "
                    + debianPackage + "`");
        }
    }

    public static void requireRoot() {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("these tests bind ports 25 and 53 on 127.0.x.y and must run as root");
        }
    }

    /** Stops {@code c} in {@link #closeAll}, or when the JVM exits. */
    public static synchronized void register(AutoCloseable c) {
        STARTED.push(c);
    }

    public static synchronized void closeAll() {
        while (!STARTED.isEmpty()) {
            try {
                STARTED.pop().close();
            } catch (Exception ignored) {
                // best effort: the others still get closed
            }
        }
    }

    /** What a command printed and returned. */
    public static final class Result {
        public final int exit;
        public final String out;
        public final String err;

        Result(int exit, String out, String err) {
            this.exit = exit;
            this.out = out;
            this.err = err;
        }

        /** The non-blank lines of standard output, trimmed. */
        public List<String> lines() {
            List<String> l = new ArrayList<>();
            for (String s : out.split("\n")) {
                if (!s.isBlank()) {
                    l.add(s.trim());
                }
            }
            return l;
        }

        @Override
        public String toString() {
            return "exit " + exit + ": " + out + (err.isEmpty() ? "" : "\n(stderr) " + err);
        }
    }

    /** Runs {@code cmd} in {@code dir} (null: the current one); a command still running after the timeout fails the test. */
    public static Result run(List<String> cmd, Path dir, int timeoutSeconds) throws IOException, InterruptedException {
        return run(cmd, dir, null, timeoutSeconds);
    }

    /** The same, feeding {@code stdin}. */
    public static Result run(List<String> cmd, Path dir, byte[] stdin, int timeoutSeconds) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Path out = Files.createTempFile("peer", ".out");
        Path err = Files.createTempFile("peer", ".err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        try {
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            } catch (IOException exitedEarly) {
                // the verdict is in the exit code and output
            }
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                throw new IllegalStateException("peer timed out after " + timeoutSeconds + " s: " + cmd);
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}

package io.mailsec.core.james;

import java.nio.file.Path;

/**
 * Resolves the paths in mailsec parameters the way James resolves its own: against James's working
 * directory, never the process's current directory. The official image {@code apache/james:memory-3.8.1}
 * runs in {@code /} with {@code -Dworking.directory=/root/}; a path read from the current directory
 * there is a file that does not exist.
 *
 * <ul>
 * <li>{@code file:///etc/x} and {@code /etc/x}: absolute, as written;</li>
 * <li>{@code file://conf/x} and {@code conf/x}: {@code <working directory>/conf/x}.</li>
 * </ul>
 * The working directory is James's system property {@value #PROPERTY} (James refuses to start
 * without it); outside James (the CLI, tests) the current directory.
 */
public final class JamesPaths {
    public static final String PROPERTY = "working.directory";
    private static final String FILE_ABSOLUTE = "file:///";
    private static final String FILE = "file://";

    private JamesPaths() {
    }

    public static Path workingDirectory() {
        String wd = System.getProperty(PROPERTY);
        return (wd == null || wd.isBlank() ? Path.of("") : Path.of(wd.trim())).toAbsolutePath().normalize();
    }

    /** The absolute path a parameter value names (see the class comment). */
    public static Path resolve(String value) {
        return resolve(workingDirectory(), value);
    }

    /** The same against a given working directory (a configuration checked from outside James). */
    public static Path resolve(Path workingDirectory, String value) {
        String v = value.trim();
        if (v.startsWith(FILE_ABSOLUTE)) {
            return Path.of(v.substring(FILE_ABSOLUTE.length() - 1)).normalize();
        }
        if (v.startsWith(FILE)) {
            v = v.substring(FILE.length());
        }
        Path p = Path.of(v);
        return (p.isAbsolute() ? p : workingDirectory.toAbsolutePath().resolve(p)).normalize();
    }
}

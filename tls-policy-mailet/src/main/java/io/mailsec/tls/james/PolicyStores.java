package io.mailsec.tls.james;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.mailsec.tls.policy.DurationParser;
import io.mailsec.tls.policy.PolicyParseException;
import io.mailsec.tls.policy.PolicyStore;

/**
 * Where James-facing classes get their policy: an explicit {@code policyFile}, else the system
 * property {@value #PROPERTY}, else {@value #DEFAULT_FILE} (relative to James's working directory).
 * Everything naming the same file shares one {@link PolicyStore}.
 */
public final class PolicyStores {
    public static final String PROPERTY = "mailsec.tls.policyFile";
    public static final String DEFAULT_FILE = "conf/mailsec-tls.policy";
    public static final String DEFAULT_CHECK_INTERVAL = "5s";

    private PolicyStores() {
    }

    /**
     * @param policyFile the configured file or null
     * @param checkInterval the configured interval or null
     * @throws IllegalArgumentException naming parameter and value, or the file, line and problem
     */
    public static PolicyStore open(String policyFile, String checkInterval) {
        String file = policyFile != null && !policyFile.isBlank() ? policyFile
                : System.getProperty(PROPERTY, DEFAULT_FILE);
        Duration interval;
        try {
            interval = DurationParser.parse(checkInterval == null || checkInterval.isBlank() ? DEFAULT_CHECK_INTERVAL : checkInterval);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid checkInterval '" + checkInterval + "': expected e.g. 5s, 500ms, 1m");
        }
        Path path = Path.of(file);
        if (!Files.isReadable(path)) {
            throw new IllegalArgumentException("invalid policyFile '" + file + "': not a readable file (absolute: " + path.toAbsolutePath() + ")");
        }
        try {
            return PolicyStore.forFile(path, interval);
        } catch (PolicyParseException e) {
            throw new IllegalArgumentException("invalid policyFile '" + file + "': " + e.getMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("invalid policyFile '" + file + "': " + e);
        }
    }
}

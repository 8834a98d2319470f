package io.mailsec.tls.james;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailsec.core.config.Parameters;
import io.mailsec.core.james.JamesPaths;
import io.mailsec.core.runtime.MailsecRuntime;
import io.mailsec.tls.policy.PolicyParseException;
import io.mailsec.tls.policy.PolicyStore;

/**
 * Where James-facing classes get their policy: an explicit {@code policyFile}, else the system
 * property {@value #PROPERTY}, else {@value #DEFAULT_FILE}; relative paths are relative to James's working
 * directory ({@link JamesPaths}).
 * Every stage of one runtime naming the same file and check interval shares one {@link PolicyStore}.
 */
public final class PolicyStores {
    public static final String PROPERTY = "mailsec.tls.policyFile";
    public static final String DEFAULT_FILE = "conf/mailsec-tls.policy";
    private static final Logger LOG = LoggerFactory.getLogger(PolicyStores.class);

    private PolicyStores() {
    }

    /** The parameters {@link #open} reads. */
    public static final Set<String> NAMES = Set.of("policyFile", "checkInterval");

    /**
     * The store for {@code policyFile} (relative to James's working directory; default the system
     * property, else {@value #DEFAULT_FILE}), checked for changes every {@code checkInterval} (default 5s).
     */
    public static <E extends Exception> PolicyStore open(Parameters<E> p, MailsecRuntime runtime) throws E {
        String file = p.string("policyFile", System.getProperty(PROPERTY, DEFAULT_FILE));
        Duration interval = p.duration("checkInterval", Duration.ofSeconds(5));
        Path path = JamesPaths.resolve(file);
        if (!Files.isReadable(path)) {
            throw p.bad("policyFile", file, "a readable policy file (" + path + " is not)");
        }
        try {
            PolicyStore store = runtime.shared(PolicyStore.class, List.of(path, interval), () -> PolicyStore.open(path, interval));
            LOG.info("event=tls-policy-open file={} checkInterval={}", path, interval);
            return store;
        } catch (PolicyParseException e) {
            throw p.bad("policyFile", file, "a valid policy file (" + e.getMessage() + ")");
        } catch (Exception e) { // IOException: PolicyStore.open throws nothing else that is checked
            throw p.bad("policyFile", file, "a readable policy file (" + path + ": " + e + ")");
        }
    }
}

package io.mailsec.tls.policy;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy in force for one file, reloaded when the file changes (checked at most once per
 * {@code checkInterval}, on access, so no thread is needed). A file with an error is rejected as a
 * whole: the error is logged with file, line and problem, and the previous policy stays in force.
 * Hooks and mailets naming the same file share one store ({@link #forFile}).
 */
public final class PolicyStore {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyStore.class);

    private final Path file;
    private final long checkIntervalNanos;
    private final LongSupplier clock;
    private volatile TlsPolicy current;
    private volatile long nextCheck;
    private volatile String loadedStamp;
    private volatile String rejectedStamp;
    private volatile PolicyParseException lastError;

    PolicyStore(Path file, Duration checkInterval, LongSupplier nanoClock) throws IOException, PolicyParseException {
        this.file = file.toAbsolutePath().normalize();
        this.checkIntervalNanos = checkInterval.toNanos();
        this.clock = nanoClock;
        String stamp = stamp();
        this.current = load();
        this.loadedStamp = stamp;
        this.nextCheck = clock.getAsLong() + checkIntervalNanos;
        LOG.info("event=tls-policy-loaded file={} inbound={} outbound={} inboundDefault={} outboundDefault={}",
                this.file, current.inbound().size(), current.outbound().size(),
                current.inbound().defaultMatch().level().word(), current.outbound().defaultMatch().level().word());
    }

    /** A store reading {@code file}; the first load must succeed. Stages share one through the runtime. */
    public static PolicyStore open(Path file, Duration checkInterval) throws IOException, PolicyParseException {
        return new PolicyStore(file, checkInterval, System::nanoTime);
    }

    public Path file() {
        return file;
    }

    /** The policy in force, reloading first when the check interval has passed and the file changed. */
    public TlsPolicy current() {
        if (clock.getAsLong() - nextCheck >= 0) {
            checkNow();
        }
        return current;
    }

    /** The error that made the last changed file be rejected (null when the file in force is the newest). */
    public PolicyParseException lastError() {
        return lastError;
    }

    /** Checks the file now; returns true when a new policy was loaded. */
    public synchronized boolean checkNow() {
        nextCheck = clock.getAsLong() + checkIntervalNanos;
        String stamp;
        try {
            stamp = stamp();
        } catch (IOException e) {
            if (!Objects.equals(rejectedStamp, "missing")) {
                LOG.error("event=tls-policy-rejected file={} line=0 problem=\"cannot read: {}\" keeping=previous", file, e.toString());
                rejectedStamp = "missing";
            }
            return false;
        }
        if (stamp.equals(loadedStamp) || stamp.equals(rejectedStamp)) {
            return false;
        }
        try {
            TlsPolicy p = load();
            current = p;
            loadedStamp = stamp;
            rejectedStamp = null;
            lastError = null;
            LOG.info("event=tls-policy-reloaded file={} inbound={} outbound={}", file, p.inbound().size(), p.outbound().size());
            return true;
        } catch (PolicyParseException e) {
            rejectedStamp = stamp;
            lastError = e;
            LOG.error("event=tls-policy-rejected file={} line={} problem=\"{}\" keeping=previous", file, e.line(), e.problem());
            return false;
        } catch (IOException e) {
            rejectedStamp = stamp;
            LOG.error("event=tls-policy-rejected file={} line=0 problem=\"cannot read: {}\" keeping=previous", file, e.toString());
            return false;
        }
    }

    private String stamp() throws IOException {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return a.lastModifiedTime().toMillis() + ":" + a.size() + ":" + a.fileKey();
        } catch (NoSuchFileException e) {
            throw e;
        }
    }

    private TlsPolicy load() throws IOException, PolicyParseException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return PolicyParser.parse(r, file.toString());
        }
    }
}

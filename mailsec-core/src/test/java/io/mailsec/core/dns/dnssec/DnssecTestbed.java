package io.mailsec.core.dns.dnssec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.mailsec.core.peers.PeerTools;

/**
 * The DNSSEC fixture shared by every module's DANE tests: {@link DaneTestZones} signed at start in
 * a temp directory, NSD serving all of them on {@value #AUTHORITATIVE}, a validating unbound with
 * the test root's anchor on {@value #VALIDATING} (what {@code trust-ad} mode trusts), an
 * iterating-only unbound on {@value #RECURSIVE} (what {@code validate} mode validates through), and
 * a black hole on {@value DaneTestZones#BLACK_HOLE}. Needs root (port 53) and nsd, ldnsutils,
 * unbound; a missing tool fails with its apt-get line.
 *
 * <pre>
 * try (DnssecTestbed dns = DnssecTestbed.start()) {
 *     DnssecResolver r = DnssecResolvers.trustAd(List.of(DnssecTestbed.VALIDATING), Duration.ofSeconds(3));
 *     r.tlsa("mx.secure.dane.test");   // SECURE, two records
 * }
 * </pre>
 */
public final class DnssecTestbed implements AutoCloseable {
    public static final String AUTHORITATIVE = DaneTestZones.NS_ADDRESS;
    public static final String VALIDATING = "127.0.17.54";
    public static final String RECURSIVE = "127.0.17.55";

    private final DaneTestZones zones;
    private final List<AutoCloseable> started;
    private final DnssecCrossCheck crossCheck;

    private DnssecTestbed(DaneTestZones zones, List<AutoCloseable> started, DnssecCrossCheck crossCheck) {
        this.zones = zones;
        this.started = started;
        this.crossCheck = crossCheck;
    }

    public static DnssecTestbed start() throws IOException, InterruptedException {
        return start(List.of());
    }

    /** As {@link #start()}, serving the test's own zones too (see {@link DaneTestZones.Zone}). */
    public static DnssecTestbed start(List<DaneTestZones.Zone> extra) throws IOException, InterruptedException {
        PeerTools.requireRoot();
        Path dir = Files.createTempDirectory(Daemon.MARKER);
        DaneTestZones zones = DaneTestZones.generate(dir, extra);
        List<AutoCloseable> started = new ArrayList<>();
        try {
            started.add(new BlackHole(DaneTestZones.BLACK_HOLE));
            started.add(Nsd.start(dir, AUTHORITATIVE, zones.zoneFiles()));
            started.add(Unbound.start(dir, "unbound-validating", VALIDATING, zones.rootHints(), zones.trustAnchorDs()));
            started.add(Unbound.start(dir, "unbound-recursive", RECURSIVE, zones.rootHints(), null));
        } catch (IOException | RuntimeException e) {
            closeAll(started);
            throw e;
        }
        DnssecTestbed t = new DnssecTestbed(zones, started, new DnssecCrossCheck(zones, RECURSIVE));
        PeerTools.register(t);
        return t;
    }

    public DaneTestZones zones() {
        return zones;
    }

    /** The test root's DS record as a trust-anchor file (what {@code validate} mode is given). */
    public Path trustAnchor() {
        return zones.trustAnchorDs();
    }

    /** Independent verdicts on the same tree: unbound-host (libunbound) and delv (BIND). */
    public DnssecCrossCheck crossCheck() {
        return crossCheck;
    }

    /** Stops the servers and deletes the generated keys and zones. */
    @Override
    public void close() {
        closeAll(started);
        try (java.util.stream.Stream<Path> files = Files.walk(zones.dir())) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }

    private static void closeAll(List<AutoCloseable> started) {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception ignored) {
                // best effort: the others still get stopped
            }
        }
        started.clear();
    }
}

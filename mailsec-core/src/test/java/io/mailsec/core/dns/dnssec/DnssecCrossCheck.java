package io.mailsec.core.dns.dnssec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.mailsec.core.peers.PeerTools;

/**
 * What two other validators conclude about a name in the test tree, in {@link DnssecStatus}
 * terms: {@code unbound-host -C} (libunbound iterating from the test root itself) and {@code delv}
 * (BIND's validator, through the iterating-only unbound). Neither is asked about the black-holed
 * name: both would wait far longer than a test should.
 */
public final class DnssecCrossCheck {
    private final Path unboundHostConf;
    private final Path delvAnchors;
    private final String recursive;

    DnssecCrossCheck(DaneTestZones zones, String recursive) throws IOException {
        this.recursive = recursive;
        this.unboundHostConf = zones.dir().resolve("unbound-host.conf");
        Files.writeString(unboundHostConf, "server:\n" + Unbound.resolutionSettings(zones.rootHints(), zones.trustAnchorDs()));
        // ". IN DS tag alg digest-type hex" -> BIND's trust-anchors clause
        String[] ds = zones.rootDs().split("\\s+");
        this.delvAnchors = zones.dir().resolve("delv-anchors.conf");
        Files.writeString(delvAnchors, "trust-anchors { . static-ds " + ds[3] + " " + ds[4] + " " + ds[5] + " \"" + ds[6] + "\"; };\n");
    }

    /** A verdict with the tool's own words, for assertion messages. */
    public static final class Verdict {
        public final DnssecStatus status;
        public final String output;

        Verdict(DnssecStatus status, String output) {
            this.status = status;
            this.output = output;
        }

        @Override
        public String toString() {
            return status + " <- " + output;
        }
    }

    /**
     * unbound-host's "(secure)", "(insecure)" or "(BOGUS (security failure))"; a lookup that failed
     * without one of them (SERVFAIL, timeout) is INDETERMINATE.
     */
    public Verdict unboundHost(String name, String type) throws IOException, InterruptedException {
        String tool = PeerTools.requireExecutable("unbound-host", "unbound-host");
        PeerTools.Result r = PeerTools.run(List.of(tool, "-C", unboundHostConf.toString(), "-v", "-t", type, name), null, 30);
        String out = r.out + r.err;
        if (out.contains("(BOGUS")) {
            return new Verdict(DnssecStatus.BOGUS, out);
        }
        if (out.contains("(secure)")) {
            return new Verdict(DnssecStatus.SECURE, out);
        }
        if (out.contains("(insecure)")) {
            return new Verdict(DnssecStatus.INSECURE, out);
        }
        return new Verdict(DnssecStatus.INDETERMINATE, out);
    }

    /**
     * delv's "; fully validated" (also for negative answers), "; unsigned answer", or "resolution
     * failed" (BIND does not tell bogus from other failures there: reported BOGUS, the only failure
     * the test tree has outside the black hole).
     */
    public Verdict delv(String name, String type) throws IOException, InterruptedException {
        String tool = PeerTools.requireExecutable("delv", "bind9-dnsutils");
        PeerTools.Result r = PeerTools.run(List.of(tool, "-a", delvAnchors.toString(), "+root", "@" + recursive, name, type),
                null, 30);
        String out = r.out + r.err;
        // a validated NXDOMAIN also prints "resolution failed: ncache nxdomain": the validation line comes first
        if (out.contains("; negative response, fully validated")) {
            return new Verdict(DnssecStatus.SECURE, out);
        }
        if (out.contains("; negative response, unsigned answer")) {
            return new Verdict(DnssecStatus.INSECURE, out);
        }
        if (out.contains("resolution failed")) {
            return new Verdict(DnssecStatus.BOGUS, out);
        }
        if (out.contains("fully validated")) {
            return new Verdict(DnssecStatus.SECURE, out);
        }
        if (out.contains("unsigned answer")) {
            return new Verdict(DnssecStatus.INSECURE, out);
        }
        return new Verdict(DnssecStatus.INDETERMINATE, out);
    }
}

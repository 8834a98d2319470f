package io.mailsec.core.dns.dnssec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.mailsec.core.peers.PeerTools;

/**
 * ldns's key generator and zone signer (Debian ldnsutils), run in one directory: keys are made at
 * test time, one combined signing key (flags 257) per zone, so nothing secret lives in the repository.
 */
final class ZoneSigner {
    /** One key pair: its ldns base name (K&lt;zone&gt;+&lt;alg&gt;+&lt;tag&gt;) in {@link #dir}. */
    static final class Key {
        final String baseName;
        final Path dir;

        Key(String baseName, Path dir) {
            this.baseName = baseName;
            this.dir = dir;
        }

        /** The DS record for the parent, in zone-file format. */
        String ds() throws IOException {
            return Files.readString(dir.resolve(baseName + ".ds")).trim();
        }

        /** The DNSKEY record, in zone-file format (with ldns's trailing comment). */
        String dnskey() throws IOException {
            return Files.readString(dir.resolve(baseName + ".key")).trim();
        }
    }

    private final Path dir;
    private final String keygen;
    private final String signzone;

    ZoneSigner(Path dir) {
        this.dir = dir;
        this.keygen = PeerTools.requireExecutable("ldns-keygen", "ldnsutils");
        this.signzone = PeerTools.requireExecutable("ldns-signzone", "ldnsutils");
    }

    /** A new key for {@code zone} ("." for the root) with a DNSSEC algorithm name: ECDSAP256SHA256, ED25519... */
    Key keygen(String zone, String algorithm) throws IOException, InterruptedException {
        PeerTools.Result r = PeerTools.run(List.of(keygen, "-a", algorithm, "-k", "-r", "/dev/urandom", zone), dir, 60);
        if (r.exit != 0 || r.lines().isEmpty()) {
            throw new IllegalStateException("ldns-keygen " + algorithm + " " + zone + ": " + r);
        }
        return new Key(r.lines().get(0), dir);
    }

    /**
     * Signs {@code unsigned} (a file in {@link #dir}) into {@code <unsigned>.signed}.
     *
     * @param inception null for ldns's default (now); with {@code expiration} both in the past makes expired RRSIGs
     * @param nsec3 NSEC3 with no salt and 0 extra iterations (RFC 9276) instead of NSEC
     */
    Path sign(String origin, String unsigned, Key key, Instant inception, Instant expiration, boolean nsec3)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(signzone, "-o", origin, "-f", unsigned + ".signed"));
        if (inception != null) {
            cmd.addAll(List.of("-i", Long.toString(inception.getEpochSecond()), "-e", Long.toString(expiration.getEpochSecond())));
        }
        if (nsec3) {
            cmd.addAll(List.of("-n", "-t", "0"));
        }
        cmd.add(unsigned);
        cmd.add(key.baseName);
        PeerTools.Result r = PeerTools.run(cmd, dir, 60);
        if (r.exit != 0) {
            throw new IllegalStateException("ldns-signzone " + origin + ": " + r);
        }
        return dir.resolve(unsigned + ".signed");
    }
}

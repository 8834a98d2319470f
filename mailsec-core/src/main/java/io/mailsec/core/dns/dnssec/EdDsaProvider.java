package io.mailsec.core.dns.dnssec;

import java.security.Provider;
import java.security.Security;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Makes DNSSEC algorithms 15 and 16 (Ed25519, Ed448; RFC 8080) verifiable. dnsjava verifies them
 * through JCA ({@code KeyFactory "EdDSA"}, {@code Signature "Ed25519"}) and decides once, when a
 * ValidatingResolver is made, whether a provider has them; without one, zones signed with them
 * validate as INSECURE (RFC 4035 §5.2: unsupported algorithm), which for DANE means "no DANE" —
 * a silent downgrade. Java 15+ has them in SunEC; the James 3.8.1 image runs Java 11, which does
 * not, but ships Bouncy Castle: then BC is added, at the lowest priority so it serves nothing the
 * JDK already does (TLS keeps its providers).
 */
final class EdDsaProvider {
    static final String BOUNCY_CASTLE = "org.bouncycastle.jce.provider.BouncyCastleProvider";

    private EdDsaProvider() {
    }

    /** Registers Bouncy Castle if no provider verifies Ed25519 and Ed448; IllegalStateException when none can be had. */
    static synchronized void ensure() {
        ensure(service -> Security.getProviders(service) != null, EdDsaProvider::bouncyCastle);
    }

    /** The same with the provider lookup and the provider source given (tests). */
    static synchronized void ensure(Predicate<String> available, Supplier<Provider> fallback) {
        if (available.test("KeyFactory.Ed25519") && available.test("KeyFactory.Ed448")) {
            return;
        }
        Provider p = fallback.get();
        if (p == null) {
            throw new IllegalStateException("DNSSEC validation needs Ed25519/Ed448 (algorithms 15 and 16), which this JRE ("
                    + System.getProperty("java.version") + ") lacks: put Bouncy Castle's bcprov on the classpath"
                    + " (James 3.8.1 ships it) or run Java 15+");
        }
        if (Security.getProvider(p.getName()) == null) {
            Security.addProvider(p);
        }
        if (!available.test("KeyFactory.Ed25519") || !available.test("KeyFactory.Ed448")) {
            throw new IllegalStateException("DNSSEC validation needs Ed25519/Ed448 (algorithms 15 and 16): neither this JRE ("
                    + System.getProperty("java.version") + ") nor " + p.getName() + " " + p.getVersionStr() + " has them");
        }
    }

    private static Provider bouncyCastle() {
        try {
            return (Provider) Class.forName(BOUNCY_CASTLE).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }
}

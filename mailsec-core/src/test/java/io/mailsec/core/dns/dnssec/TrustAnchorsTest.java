package io.mailsec.core.dns.dnssec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Name;

import io.mailsec.core.dns.dnssec.TrustAnchors;

class TrustAnchorsTest {
    private static Path resource(String name) throws URISyntaxException {
        return Path.of(TrustAnchorsTest.class.getResource("/dnssec/" + name).toURI());
    }

    /** The production anchor file as Debian's dns-root-data ships it. */
    @Test
    void readsTheIanaRootAnchorsInDnsRootDataFormat() throws Exception {
        TrustAnchors t = TrustAnchors.read(resource("iana-root.ds"));
        assertThat(t.anchors()).hasSize(2).allSatisfy(r -> assertThat(r.getName()).isEqualTo(Name.root));
        assertThat(t.anchors()).extracting(r -> ((DSRecord) r).getFootprint()).containsExactly(20326, 38696);
        // and dnsjava's validator takes it
        DnssecResolvers.validate(List.of("127.0.0.1"), java.time.Duration.ofSeconds(1), t);
    }

    @Test
    void missingFileNamesItsAbsolutePath() {
        Path p = Path.of("no-such-anchor.ds");
        assertThatThrownBy(() -> TrustAnchors.read(p)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(p.toAbsolutePath().toString()).hasMessageContaining("cannot be read");
    }

    /** A file without DS or DNSKEY would leave dnsjava with no anchor: every answer INSECURE, DANE silently off. */
    @Test
    void fileWithoutAnAnchorIsRefused() throws Exception {
        assertThatThrownBy(() -> TrustAnchors.read(resource("no-anchor.zone"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no DS or DNSKEY record");
    }

    @Test
    void malformedLineIsNamed() throws Exception {
        assertThatThrownBy(() -> TrustAnchors.read(resource("broken.ds"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("broken.ds").hasMessageContaining("line 2");
    }

    @Test
    void validateModeNeedsTheFile() {
        assertThatThrownBy(() -> DnssecResolvers.create(DnssecMode.VALIDATE, List.of(), java.time.Duration.ofSeconds(1), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trust anchor");
    }
}

package io.mailsec.av;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;

/** clamd stopped before or during a scan gives the verdict "error" (never "clean"). */
class ScannerFailureTest {
    @Test
    void clamdStoppedBeforeTheScan() throws Exception {
        try (ClamdProcess clamd = ClamdProcess.start();
             ClamdClient client = ClamdClient.builder(clamd.tcpEndpoint()).connectTimeoutMillis(500).build()) {
            MessageScanner scanner = new MessageScanner(client);
            byte[] msg = MessageScannerTest.withAttachment("application/zip", "r.zip", TestFiles.zip("r.txt", TestFiles.cleanText()));
            assertThat(scanner.scan(new ByteArrayInputStream(msg)).verdict()).isEqualTo(Verdict.CLEAN);
            clamd.stop();
            ScanReport r = scanner.scan(new ByteArrayInputStream(msg));
            assertThat(r.verdict()).isEqualTo(Verdict.ERROR);
            assertThat(r.parts()).extracting(PartVerdict::verdict).containsOnly(Verdict.ERROR);
            assertThat(r.reason()).contains("unreachable");
            clamd.restart();
            assertThat(scanner.scan(new ByteArrayInputStream(msg)).verdict()).isEqualTo(Verdict.CLEAN);
        }
    }

    @Test
    void clamdStoppedDuringTheScan() throws Exception {
        try (ClamdProcess clamd = ClamdProcess.startWithStreamMaxLength(64L * 1024 * 1024);
             ClamdClient client = ClamdClient.builder(clamd.tcpEndpoint()).streamMaxLength(64L * 1024 * 1024)
                 .ioTimeoutMillis(3_000).build()) {
            MessageScanner scanner = new MessageScanner(client);
            // clamd is killed after 2 MB of the 8 MB attachment have been produced
            GeneratedMessage msg = new GeneratedMessage(8L * 1024 * 1024, 2L * 1024 * 1024, clamd::stop, 0);
            ScanReport r = scanner.scan(msg);
            assertThat(r.verdict()).as(r.toJson()).isEqualTo(Verdict.ERROR);
            assertThat(r.parts().get(1).name()).isEqualTo("large.bin");
            assertThat(r.parts().get(1).verdict()).isEqualTo(Verdict.ERROR);
        }
    }
}

package io.mailsec.av;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** A 20 MB attachment is streamed to clamd: the extra heap it costs is bounded, not proportional. */
class LargeAttachmentTest {
    private static final int MB = 1024 * 1024;

    @Test
    void twentyMegabyteAttachmentCostsBoundedHeap() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (ClamdProcess clamd = ClamdProcess.startWithStreamMaxLength(32L * MB);
             ClamdClient client = ClamdClient.builder(clamd.tcpEndpoint()).streamMaxLength(32L * MB).build()) {
            MessageScanner scanner = new MessageScanner(client);
            scanner.scan(new GeneratedMessage(1 * MB)); // warm up class loading and the pool
            long tid = Thread.currentThread().getId();
            GeneratedMessage big = new GeneratedMessage(20L * MB);
            long before = threads.getThreadAllocatedBytes(tid);
            ScanReport r = scanner.scan(big);
            long allocated = threads.getThreadAllocatedBytes(tid) - before;
            assertThat(r.verdict()).as(r.toJson()).isEqualTo(Verdict.CLEAN);
            assertThat(r.parts()).extracting(PartVerdict::name).containsExactly("1", "large.bin");
            assertThat(r.parts().get(1).size()).isEqualTo(20L * MB);
            // The generator itself allocates ~2 small arrays per 57-byte line (~1.4 M lines, ~90 MB in
            // total, all garbage at once); measure it alone and subtract.
            GeneratedMessage alone = new GeneratedMessage(20L * MB);
            byte[] sink = new byte[64 * 1024];
            long g0 = threads.getThreadAllocatedBytes(tid);
            while (alone.read(sink, 0, sink.length) >= 0) {
                // consume
            }
            long generator = threads.getThreadAllocatedBytes(tid) - g0;
            long scannerOwn = allocated - generator;
            System.out.printf("20 MB attachment: scanner allocated %d KB (generator %d KB excluded)%n",
                scannerOwn / 1024, generator / 1024);
            // a single copy of the part would be 20 MB (decoded) or 27 MB (encoded)
            assertThat(scannerOwn).isLessThan(4L * MB);
        }
    }
}

package io.mailsec.bench.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The statistics the load run reports. */
class PipelineLoadBenchTest {
    @Test
    void standardErrorOfTheMean() {
        // sample standard deviation of 1..4 is sqrt(5/3); divided by sqrt(4)
        assertThat(io.mailsec.bench.Stats.standardError(List.of(1.0, 2.0, 3.0, 4.0))).isCloseTo(Math.sqrt(5.0 / 3.0) / 2, within(1e-12));
        assertThat(io.mailsec.bench.Stats.standardError(List.of(0.7, 0.7, 0.7))).isCloseTo(0.0, within(1e-12));
        assertThat(io.mailsec.bench.Stats.standardError(List.of(0.5))).isZero();
    }
}

package io.xerv.host.serve;

import io.xerv.host.engine.EngineConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code limits:} section of the host config. */
class TraceLimitsConfigTest {

    @TempDir
    Path dir;

    @Test
    void withoutALimitsSectionTheDefaultsApply() throws Exception {
        TraceLimits l = ServeConfig.parse("x.yaml", "", dir).limits();
        assertThat(l).isEqualTo(TraceLimits.DEFAULT);
        assertThat(l.engine()).isEqualTo(EngineConfig.Limits.DEFAULT);
        assertThat(l.nodeOutputBytes()).isEqualTo(16L << 20);
        assertThat(l.traceBytes()).isEqualTo(256L << 20);
        assertThat(l.logLineBytes()).isEqualTo(8 << 10);
    }

    @Test
    void limitsAreReadInBytesOrWithAUnit() throws Exception {
        TraceLimits l = ServeConfig.parse("x.yaml", """
                limits:
                  node_output_bytes: 4 MiB
                  trace_bytes: 1GiB
                  log_line_bytes: 2048
                """, dir).limits();
        assertThat(l).isEqualTo(new TraceLimits(4L << 20, 1L << 30, 2048));
        assertThat(l.engine()).isEqualTo(new EngineConfig.Limits(4L << 20, 1L << 30, 2048));
    }

    @Test
    void badLimitsAreNamedWithFileLineAndColumn() {
        assertThatThrownBy(() -> ServeConfig.parse("x.yaml", """
                limits:
                  node_output_bytes: lots
                  log_line_bytes: 3
                  per_node: 5
                """, dir))
                .isInstanceOf(ServeConfig.ConfigException.class)
                .hasMessageContaining("x.yaml:2:22: limits.node_output_bytes must be a whole number of bytes, optionally with KiB, MiB or GiB, got 'lots'")
                .hasMessageContaining("x.yaml:3:19: limits.log_line_bytes must be between 64 and 1048576 bytes, got 3")
                .hasMessageContaining("x.yaml:4:3: unknown option 'per_node' in limits");
    }

    @Test
    void aTraceLimitBelowTheNodeOutputLimitIsRefused() {
        assertThatThrownBy(() -> ServeConfig.parse("x.yaml", """
                limits:
                  node_output_bytes: 32 MiB
                  trace_bytes: 16 MiB
                """, dir))
                .isInstanceOf(ServeConfig.ConfigException.class)
                .hasMessageContaining("x.yaml:3:16: limits.trace_bytes (16777216) must be at least limits.node_output_bytes (33554432)");
    }
}

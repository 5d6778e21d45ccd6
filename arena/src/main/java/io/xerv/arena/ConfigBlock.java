package io.xerv.arena;

import org.apache.fory.Fory;
import org.apache.fory.ThreadSafeFory;

import java.util.Arrays;
import java.util.Objects;

/**
 * What an arena records about the flow its trace runs: the pipeline, its version and digest, the
 * trigger that started the trace, and the pipeline {@code config} map (FlexBuffers bytes, readable in
 * place by selectors and guests). Stored in the arena's config block, encoded with Apache Fory.
 *
 * @param pipeline the flow's name
 * @param version the flow's version
 * @param flowDigest a digest of the flow file, so recovery can tell which version a trace ran
 * @param triggerId the trigger that started the trace
 * @param pipelineConfig the flow's {@code config} map as FlexBuffers bytes
 */
public record ConfigBlock(String pipeline, String version, String flowDigest, String triggerId,
                          byte[] pipelineConfig) {

    private static final ThreadSafeFory FORY = Fory.builder()
            .withXlang(false)
            .withRefTracking(false)
            .requireClassRegistration(true)
            .buildThreadSafeFory();

    static {
        FORY.register(ConfigBlock.class);
    }

    public ConfigBlock {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(flowDigest, "flowDigest");
        Objects.requireNonNull(triggerId, "triggerId");
        Objects.requireNonNull(pipelineConfig, "pipelineConfig");
    }

    /** The pipeline config as a value read in place. */
    public FlexValue pipelineConfigValue() {
        return FlexValue.of(pipelineConfig);
    }

    /** This block in its on-disk form. */
    public byte[] encode() {
        return FORY.serialize(this);
    }

    /**
     * Reads a block written by {@link #encode}.
     *
     * @throws IllegalArgumentException when the bytes are not a config block
     */
    public static ConfigBlock decode(byte[] bytes) {
        try {
            Object o = FORY.deserialize(bytes);
            if (o instanceof ConfigBlock c) {
                return c;
            }
            throw new IllegalArgumentException("config block holds " + (o == null ? "null" : o.getClass().getName()));
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new IllegalArgumentException("config block is corrupt: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfigBlock c && pipeline.equals(c.pipeline) && version.equals(c.version)
                && flowDigest.equals(c.flowDigest) && triggerId.equals(c.triggerId)
                && Arrays.equals(pipelineConfig, c.pipelineConfig);
    }

    @Override
    public int hashCode() {
        return Objects.hash(pipeline, version, flowDigest, triggerId, Arrays.hashCode(pipelineConfig));
    }

    @Override
    public String toString() {
        return "ConfigBlock[" + pipeline + "@" + version + ", trigger=" + triggerId + ", config="
                + FlexValue.of(pipelineConfig) + "]";
    }
}

package io.xerv.plugin;

/**
 * Appends values to the trace's arena. Written values are immutable and stay readable until the trace
 * ends; pass one to {@link Completion#emit} to fire it.
 */
@Stable
public interface OutputWriter {

    /**
     * Encodes a value into the arena and returns a view of it.
     *
     * <p>Accepted: {@code null}, {@link Boolean}, {@link Byte}/{@link Short}/{@link Integer}/{@link Long},
     * {@link Float}/{@link Double}, {@link CharSequence}, {@code byte[]}, {@link java.nio.ByteBuffer},
     * {@link java.util.Map} with {@link CharSequence} keys, {@link java.util.List}, arrays of objects,
     * and {@link Value} (copied). Anything else is rejected.
     *
     * @throws IllegalArgumentException for a value of another type or a map key that is not a string
     * @throws IllegalStateException when the arena cannot grow to hold the value
     */
    Value write(Object value);

    /**
     * The largest value, in encoded bytes, that {@link #write} accepts ({@code Long.MAX_VALUE} without a
     * limit). A node that builds a large value (joining strings, say) can stop once its value is bigger,
     * rather than build it only to have it rejected; {@link #write} enforces the limit either way.
     */
    @Experimental
    default long maxValueBytes() {
        return Long.MAX_VALUE;
    }
}

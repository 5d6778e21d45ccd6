package io.xerv.std;

/**
 * How the host runs the body of a {@code std::split} over the items of its list (see
 * {@link SplitNode#mode()}).
 */
public enum SplitMode {
    /** One item at a time, in list order. */
    SEQUENTIAL,
    /** Every item at once. */
    PARALLEL,
    /** {@link SplitNode#batchSize()} items at a time; the next batch starts when the previous one is done. */
    BATCHED
}

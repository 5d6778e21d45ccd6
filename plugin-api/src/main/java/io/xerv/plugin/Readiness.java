package io.xerv.plugin;

/**
 * When a node may run, counted over its incoming edges. An edge is <em>settled</em> once its source
 * node fired it or it was skipped (its source took another port, or was skipped itself).
 *
 * @param kind the rule
 * @param count for {@link Kind#COUNT}, how many fired inputs start the node
 */
@Experimental
public record Readiness(Kind kind, int count) {

    /** Run once every incoming edge has settled, with the inputs that fired. */
    public static final Readiness ALL = new Readiness(Kind.ALL, 0);

    /** Run as soon as one incoming edge fires; later inputs are ignored. */
    public static final Readiness ANY = new Readiness(Kind.ANY, 1);

    public Readiness {
        if (kind == null) {
            throw new NullPointerException("kind");
        }
        if (kind == Kind.COUNT && count < 1) {
            throw new IllegalArgumentException("count must be at least 1, was " + count);
        }
    }

    /** Run once {@code n} incoming edges have fired (or all have settled, if fewer can fire). */
    public static Readiness count(int n) {
        return new Readiness(Kind.COUNT, n);
    }

    /** The rules a node can choose from. */
    public enum Kind { ALL, ANY, COUNT }
}

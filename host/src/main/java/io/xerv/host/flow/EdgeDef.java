package io.xerv.host.flow;

import java.util.Objects;

/**
 * One entry of a flow's {@code edges}: data flows from an output port to an input port. Immutable.
 *
 * @param from a node or trigger id
 * @param fromPort the output port ({@code out} when the flow names none)
 * @param to a node id
 * @param toPort the input port ({@code in} when the flow names none)
 * @param condition the edge's condition as written, or {@code null}; see {@link EdgeCondition}
 * @param loopBack true for the edge that closes a {@code std::loop}; it is left out of cycle checks
 * @param description free text, empty when absent
 * @param mark where the entry starts
 */
public record EdgeDef(String from, String fromPort, String to, String toPort, String condition, boolean loopBack,
        String description, Mark mark) {

    public EdgeDef {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(fromPort, "fromPort");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(toPort, "toPort");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(mark, "mark");
    }

    /** {@code from.port -> to.port}, for messages. */
    public String label() {
        return from + "." + fromPort + " -> " + to + "." + toPort;
    }
}

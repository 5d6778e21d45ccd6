package io.xerv.host.engine;

import io.xerv.plugin.Value;

import java.util.List;

/**
 * What one node of a trace did.
 *
 * @param id the node id
 * @param type the node type
 * @param status the status of its last run
 * @param port the port its last run fired, or null
 * @param output the value its last run fired (a view into the trace's arena), or null
 * @param micros time spent in the node over all its runs, in microseconds
 * @param runs how many times it ran (more than one in loops and splits)
 * @param attempts the attempts its last run took
 * @param error the failure message of its last run, or null
 * @param logs the lines it logged
 */
public record NodeReport(String id, String type, NodeStatus status, String port, Value output, long micros,
                         int runs, int attempts, String error, List<String> logs) {
}

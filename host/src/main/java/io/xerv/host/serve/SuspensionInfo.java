package io.xerv.host.serve;

import java.util.UUID;

/**
 * A suspension waiting for a resume.
 *
 * @param hookId the id a resume names
 * @param traceId the suspended trace
 * @param pipeline the trace's pipeline
 */
public record SuspensionInfo(String hookId, UUID traceId, String pipeline) {
}

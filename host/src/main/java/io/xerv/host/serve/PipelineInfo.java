package io.xerv.host.serve;

import java.util.List;

/**
 * A snapshot of a deployed pipeline. Immutable.
 *
 * @param name the pipeline's (flow's) name
 * @param version the version new traces run: the newest deployed
 * @param state where the pipeline is in its life
 * @param description the flow's description
 * @param source the name of the file (or request) it was deployed from
 * @param versions every version still known, newest last: the current one and those draining
 * @param triggers the current version's triggers
 * @param breaker the circuit breaker's state: closed, open or half_open
 * @param running traces running now (all versions)
 * @param queued traces waiting for a slot
 * @param stats counters since the pipeline was first deployed on this host
 */
public record PipelineInfo(String name, String version, PipelineState state, String description, String source,
                           List<VersionInfo> versions, List<TriggerInfo> triggers, String breaker, int running,
                           int queued, Stats stats) {

    /**
     * One deployed version.
     *
     * @param version the flow's version string, made unique on redeploy (see {@link PipelineController#deploy})
     * @param digest the flow file's digest
     * @param deployedAt epoch millis
     * @param current whether new traces go to it
     * @param running its traces running now
     */
    public record VersionInfo(String version, String digest, long deployedAt, boolean current, int running) {
    }

    /**
     * One trigger of the current version.
     *
     * @param id the trigger's id
     * @param type webhook, cron, filesystem, manual, queue or memory
     * @param paused whether it is paused on its own
     * @param method the webhook's HTTP method, or null
     * @param path the webhook's path, or null
     * @param mode the webhook's mode (sync or async), or null
     * @param auth the webhook's authentication (hmac, bearer or none), or null
     */
    public record TriggerInfo(String id, String type, boolean paused, String method, String path, String mode,
                              String auth) {
    }

    /**
     * Counters of one pipeline.
     *
     * @param accepted traces accepted (durably started)
     * @param completed traces that completed
     * @param failed traces that failed (timeouts among them)
     * @param cancelled traces that were cancelled
     * @param refused requests refused (queue full, breaker open, paused, not running)
     * @param meanMicros mean duration of ended traces, in microseconds
     */
    public record Stats(long accepted, long completed, long failed, long cancelled, long refused, long meanMicros) {
    }
}

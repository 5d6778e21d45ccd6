package io.xerv.host.serve;

/**
 * A webhook trigger bound to an HTTP method and path. Immutable.
 *
 * @see PipelineController#webhook(String, String)
 */
public final class Webhook {

    final String method;
    final String path;
    final String pipeline;
    final String triggerId;
    final boolean async;
    final WebhookAuth auth;

    Webhook(String method, String path, String pipeline, String triggerId, boolean async, WebhookAuth auth) {
        this.method = method;
        this.path = path;
        this.pipeline = pipeline;
        this.triggerId = triggerId;
        this.async = async;
        this.auth = auth;
    }

    static String key(String method, String path) {
        return method + ' ' + path;
    }

    /** The HTTP method it answers. */
    public String method() {
        return method;
    }

    /** The path it answers. */
    public String path() {
        return path;
    }

    /** The pipeline the webhook fires. */
    public String pipeline() {
        return pipeline;
    }

    /** The trigger's id in its flow. */
    public String triggerId() {
        return triggerId;
    }

    /** True for {@code mode: async} (answer 202 with the trace id), false for sync (answer with the result). */
    public boolean async() {
        return async;
    }

    /** How requests authenticate. */
    public WebhookAuth auth() {
        return auth;
    }

    @Override
    public String toString() {
        return "webhook " + method + " " + path + " -> " + triggerId + " of " + pipeline + (async ? " (async, " : " (sync, ") + auth + ")";
    }
}

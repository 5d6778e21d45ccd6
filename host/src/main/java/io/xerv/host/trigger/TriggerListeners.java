package io.xerv.host.trigger;

import io.vertx.core.Vertx;
import io.xerv.host.flow.FlowError;
import io.xerv.host.flow.TriggerDef;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Builds the listener of a cron or file-system trigger, and checks their params at deploy time. */
public final class TriggerListeners {

    private TriggerListeners() {
    }

    /**
     * The errors in a trigger's params (a bad cron expression or time zone, a missing path, an unknown
     * event), each at the trigger's mark; empty for trigger types without a listener.
     */
    public static List<FlowError> validate(TriggerDef def) {
        return List.of();
    }

    /**
     * A listener for {@code def}, not yet started; empty for webhook and manual triggers.
     *
     * @param baseDir what relative watch paths resolve against
     */
    public static Optional<TriggerListener> create(TriggerDef def, Vertx vertx, TriggerSink sink, Path baseDir) {
        return Optional.empty();
    }
}

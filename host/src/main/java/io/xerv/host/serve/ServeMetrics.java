package io.xerv.host.serve;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.xerv.host.engine.Engine;
import io.xerv.wal.Wal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The host's Prometheus metrics, all named {@code xerv_*}: per pipeline, traces started, completed,
 * failed, cancelled and refused, a trace duration histogram, running and queued traces and the
 * breaker state; for the host, live traces and the write-ahead log's records, bytes, syncs and sync
 * time. Thread-safe (Micrometer meters are).
 */
public final class ServeMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    /** Registers the host-wide meters of an engine. */
    public ServeMetrics(Engine engine) {
        Wal.Metrics wal = engine.wal().metrics();
        Gauge.builder("xerv.traces.live", engine, Engine::liveTraces)
                .description("Traces running or suspended on this host").register(registry);
        FunctionCounter.builder("xerv.wal.records", wal, Wal.Metrics::records)
                .description("Records appended to the write-ahead log").register(registry);
        FunctionCounter.builder("xerv.wal.bytes", wal, Wal.Metrics::bytes)
                .description("Bytes appended to the write-ahead log").register(registry);
        FunctionCounter.builder("xerv.wal.syncs", wal, Wal.Metrics::syncs)
                .description("Syncs (fdatasync) of the write-ahead log").register(registry);
        Gauge.builder("xerv.wal.sync.mean.micros", wal, Wal.Metrics::meanSyncMicros)
                .description("Mean duration of a write-ahead log sync, in microseconds").register(registry);
        Gauge.builder("xerv.wal.batch.mean", wal, Wal.Metrics::meanBatch)
                .description("Mean records per write-ahead log sync").register(registry);
        FunctionCounter.builder("xerv.wal.purged.segments", wal, Wal.Metrics::purgedSegments)
                .description("Write-ahead log segments purged").register(registry);
        FunctionCounter.builder("xerv.wal.reused.segments", wal, Wal.Metrics::reusedSegments)
                .description("Write-ahead log segments written into a purged segment's file").register(registry);
    }

    /** The registry (for tests and for adding meters). */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    /** The meters of one pipeline; {@link #remove()} unregisters them when it is deleted. */
    public final class PipelineMeters {
        final Counter started;
        final Counter completed;
        final Counter failed;
        final Counter cancelled;
        final Counter refused;
        final Timer duration;
        private final List<Meter> meters = new ArrayList<>();

        <T> PipelineMeters(String pipeline, T state, ToDoubleFunction<T> running, ToDoubleFunction<T> queued,
                           ToDoubleFunction<T> breaker) {
            started = add(Counter.builder("xerv.traces.started").tag("pipeline", pipeline)
                    .description("Traces accepted (start durable)").register(registry));
            completed = add(Counter.builder("xerv.traces.completed").tag("pipeline", pipeline)
                    .description("Traces that completed").register(registry));
            failed = add(Counter.builder("xerv.traces.failed").tag("pipeline", pipeline)
                    .description("Traces that failed (timeouts among them)").register(registry));
            cancelled = add(Counter.builder("xerv.traces.cancelled").tag("pipeline", pipeline)
                    .description("Traces that were cancelled").register(registry));
            refused = add(Counter.builder("xerv.traces.refused").tag("pipeline", pipeline)
                    .description("Trace requests refused (queue full, breaker open, paused, stopped)").register(registry));
            duration = add(Timer.builder("xerv.trace.duration").tag("pipeline", pipeline)
                    .description("Duration of ended traces").publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofNanos(100_000)).maximumExpectedValue(Duration.ofSeconds(60))
                    .register(registry));
            add(Gauge.builder("xerv.traces.running", state, running).tag("pipeline", pipeline)
                    .description("Traces running now").register(registry));
            add(Gauge.builder("xerv.queue.depth", state, queued).tag("pipeline", pipeline)
                    .description("Traces waiting for a slot").register(registry));
            add(Gauge.builder("xerv.breaker.state", state, breaker).tag("pipeline", pipeline)
                    .description("Circuit breaker: 0 closed, 1 open, 2 half-open").register(registry));
        }

        private <M extends Meter> M add(M m) {
            meters.add(m);
            return m;
        }

        /** Unregisters every meter of the pipeline. */
        public void remove() {
            for (Meter m : meters) {
                registry.remove(m);
            }
        }
    }
}

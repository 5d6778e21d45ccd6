package io.xerv.host.trigger;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.xerv.host.engine.CompiledFlow;
import io.xerv.host.engine.Engine;
import io.xerv.host.engine.EngineConfig;
import io.xerv.host.engine.TraceHandle;
import io.xerv.host.engine.TraceReport;
import io.xerv.host.engine.TraceStatus;
import io.xerv.host.flow.FlowDefinition;
import io.xerv.host.flow.FlowLoader;
import io.xerv.plugin.Values;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Cron listeners on real Vert.x timers: firing traces, pause, resume, close, and stalls. */
class CronTriggerListenerTest {

    static Engine engine;
    static Vertx vertx;

    @BeforeAll
    static void start() throws Exception {
        engine = Engine.start(EngineConfig.defaults(Files.createTempDirectory("xerv-cron-test")).withEventLoops(1));
        vertx = engine.vertx();
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    static Instant instant(JsonObject o, String key) {
        return Instant.parse(o.getString(key));
    }

    @Test
    void aSecondsFieldScheduleFiresTracesThroughTheSink() throws Exception {
        FlowDefinition def = FlowLoader.parse("ticks.yaml", """
                name: ticks
                triggers:
                  - {id: tick, type: cron, params: {schedule: "* * * * * *", timezone: Europe/Paris}}
                nodes:
                  say: {type: std::log, config: {message: "tick at ${trigger.scheduledAt}"}}
                edges:
                  - {from: tick, to: say}
                """, engine.registry());
        assertThat(TriggerListeners.validate(def.triggers().get(0))).isEmpty();
        CompiledFlow flow = engine.link(def);
        LinkedBlockingQueue<TraceReport> done = new LinkedBlockingQueue<>();
        TriggerSink sink = (trigger, json) -> {
            TraceHandle h = engine.start(flow, trigger, json);
            h.completion().onSuccess(done::add);
            return h.started().map(v -> h.traceId());
        };
        try (TriggerListener l = TriggerListeners.create(def.triggers().get(0), vertx, sink, Path.of(".")).orElseThrow()) {
            assertThat(l).isInstanceOf(CronTriggerListener.class);
            l.start();
            TraceReport first = done.poll(RecordingSink.WAIT_SECONDS, TimeUnit.SECONDS);
            TraceReport second = done.poll(RecordingSink.WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(first).isNotNull();
            assertThat(second).isNotNull();
            for (TraceReport r : new TraceReport[] {first, second}) {
                assertThat(r.status()).isEqualTo(TraceStatus.COMPLETED);
                assertThat(r.trigger()).isEqualTo("tick");
            }
            JsonObject p1 = new JsonObject(Values.toJson(first.nodes().get(0).output()));
            JsonObject p2 = new JsonObject(Values.toJson(second.nodes().get(0).output()));
            assertThat(p1.getString("trigger")).isEqualTo("tick");
            assertThat(p1.getString("schedule")).isEqualTo("* * * * * *");
            assertThat(p1.getString("timezone")).isEqualTo("Europe/Paris");
            // whole seconds, in order, each fired no earlier than scheduled
            assertThat(instant(p1, "scheduledAt").getNano()).isZero();
            assertThat(instant(p2, "scheduledAt")).isAfter(instant(p1, "scheduledAt"));
            assertThat(instant(p1, "firedAt")).isAfterOrEqualTo(instant(p1, "scheduledAt"));
            assertThat(instant(p2, "firedAt")).isAfterOrEqualTo(instant(p2, "scheduledAt"));
        }
    }

    @Test
    void pauseDropsDueTimesAndResumeFiresAgain() throws Exception {
        RecordingSink sink = new RecordingSink();
        CronTriggerListener l = new CronTriggerListener("every", CronSchedule.parse("* * * * * *", "UTC"), vertx, sink,
                InstantSource.system());
        LinkedBlockingQueue<Instant> ticks = new LinkedBlockingQueue<>();
        l.observeTicks(ticks::add);
        try (l) {
            l.start();
            sink.next();
            l.pause();
            assertThat(l.paused()).isTrue();
            // A tick already under way may still fire; every later one must not.
            assertThat(ticks.poll(RecordingSink.WAIT_SECONDS, TimeUnit.SECONDS)).isNotNull();
            ticks.clear();
            sink.fired.clear();
            Instant droppedA = ticks.poll(RecordingSink.WAIT_SECONDS, TimeUnit.SECONDS);
            Instant droppedB = ticks.poll(RecordingSink.WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(droppedA).isNotNull();
            assertThat(droppedB).isAfter(droppedA);
            assertThat(sink.fired).isEmpty();

            l.resume();
            assertThat(l.paused()).isFalse();
            JsonObject after = sink.next();
            assertThat(instant(after, "scheduledAt")).isAfter(droppedB);
        }
    }

    @Test
    void closeStopsFiring() throws Exception {
        RecordingSink sink = new RecordingSink();
        CronTriggerListener l = new CronTriggerListener("every", CronSchedule.parse("* * * * * *", "UTC"), vertx, sink,
                InstantSource.system());
        LinkedBlockingQueue<Instant> ticks = new LinkedBlockingQueue<>();
        l.observeTicks(ticks::add);
        l.start();
        sink.next();
        l.close();
        // Let a tick that was already running finish, then watch for more than two periods.
        Thread.sleep(1500);
        ticks.clear();
        sink.fired.clear();
        Thread.sleep(2500);
        assertThat(ticks).isEmpty();
        assertThat(sink.fired).isEmpty();
    }

    @Test
    void aStallFiresOnceThenSkipsTheTimesItMissed() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00.500Z"));
        RecordingSink sink = new RecordingSink();
        try (CronTriggerListener l = new CronTriggerListener("every", CronSchedule.parse("* * * * * *", "UTC"), vertx,
                sink, clock)) {
            l.start();
            // Two reads: the next time was computed and its timer armed (for 00:00:01).
            while (clock.reads.get() < 2) {
                Thread.onSpinWait();
            }
            // An hour passes at once, as after a suspended machine. While the clock stood still, the
            // timer came early and was armed again for the same time.
            clock.set(Instant.parse("2026-01-01T01:00:00.200Z"));
            JsonObject late = sink.next();
            assertThat(instant(late, "scheduledAt")).isEqualTo(Instant.parse("2026-01-01T00:00:01Z"));
            assertThat(instant(late, "firedAt")).isEqualTo(Instant.parse("2026-01-01T01:00:00.200Z"));

            clock.set(Instant.parse("2026-01-01T01:00:01Z"));
            JsonObject next = sink.next();
            // Not 00:00:02: the 3599 missed seconds are skipped, not fired in a burst.
            assertThat(instant(next, "scheduledAt")).isEqualTo(Instant.parse("2026-01-01T01:00:01Z"));
            assertThat(sink.fired).isEmpty();
        }
    }

    @Test
    void aRefusedTraceDoesNotStopTheSchedule() throws Exception {
        LinkedBlockingQueue<String> calls = new LinkedBlockingQueue<>();
        TriggerSink refusing = (trigger, json) -> {
            calls.add(trigger);
            return io.vertx.core.Future.failedFuture("queue full");
        };
        try (CronTriggerListener l = new CronTriggerListener("every", CronSchedule.parse("* * * * * *", "UTC"), vertx,
                refusing, InstantSource.system())) {
            l.start();
            assertThat(calls.poll(RecordingSink.WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("every");
            assertThat(calls.poll(RecordingSink.WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("every");
        }
    }
}

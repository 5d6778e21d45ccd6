package io.xerv.host.trigger;

import io.vertx.core.Vertx;
import io.xerv.host.flow.FlowError;
import io.xerv.host.flow.Mark;
import io.xerv.host.flow.TriggerDef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Deploy-time checks of cron and file-system params: each error at the trigger's mark, naming the param. */
class TriggerValidationTest {

    static final Mark MARK = new Mark("flow.yaml", 4, 5);
    static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
    }

    static TriggerDef trigger(String type, Object... keysAndValues) {
        Map<String, Object> params = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            params.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return new TriggerDef("t", type, params, true, "", MARK);
    }

    static List<String> errors(TriggerDef def) {
        List<FlowError> errors = TriggerListeners.validate(def);
        assertThat(errors).allSatisfy(e -> assertThat(e.mark()).isEqualTo(MARK));
        return errors.stream().map(FlowError::message).toList();
    }

    @Test
    void goodTriggersHaveNoErrors() {
        assertThat(errors(trigger("cron", "schedule", "0 */5 * * * *", "timezone", "Europe/Paris"))).isEmpty();
        assertThat(errors(trigger("cron", "schedule", "0 0 9 * * MON-FRI"))).isEmpty();
        assertThat(errors(trigger("filesystem", "path", "inbox", "events", List.of("create", "delete"), "pattern", "*.{csv,tsv}",
                "recursive", true))).isEmpty();
        assertThat(errors(trigger("filesystem", "path", "/data"))).isEmpty();
    }

    @Test
    void triggersWithoutListenersAreNotChecked() {
        assertThat(errors(trigger("webhook", "path", "/x"))).isEmpty();
        assertThat(errors(trigger("manual"))).isEmpty();
        assertThat(TriggerListeners.create(trigger("webhook", "path", "/x"), vertx, (t, j) -> null, Path.of("."))).isEmpty();
    }

    @Test
    void aBadCronExpressionCarriesTheParsersReason() {
        assertThat(errors(trigger("cron", "schedule", "0 61 * * * *")))
                .containsExactly("trigger 't': params.schedule '0 61 * * * *' is not a valid cron schedule: Value 61 not in range [0, 59]");
        assertThat(errors(trigger("cron", "schedule", "*/5 * * * *"))).singleElement().asString()
                .startsWith("trigger 't': params.schedule '*/5 * * * *' has 5 fields; a schedule needs a seconds field first");
        assertThat(errors(trigger("cron", "schedule", "0 0 0 30 2 *")))
                .containsExactly("trigger 't': params.schedule '0 0 0 30 2 *' never fires (no date matches it)");
    }

    @Test
    void aMissingScheduleIsNamed() {
        assertThat(errors(trigger("cron"))).containsExactly("trigger 't': cron trigger needs params.schedule");
    }

    @Test
    void anUnknownTimeZoneIsNamed() {
        assertThat(errors(trigger("cron", "schedule", "* * * * * *", "timezone", "Europe/Pariss")))
                .containsExactly("trigger 't': params.timezone 'Europe/Pariss' is not a time zone (use an id like 'Europe/Paris' or 'UTC')");
    }

    @Test
    void aMissingOrEmptyPathIsNamed() {
        assertThat(errors(trigger("filesystem"))).containsExactly("trigger 't': filesystem trigger needs params.path");
        assertThat(errors(trigger("filesystem", "path", " "))).containsExactly("trigger 't': params.path must not be empty");
    }

    @Test
    void unknownEventNamesAreNamed() {
        assertThat(errors(trigger("filesystem", "path", "in", "events", List.of("create", "rename"))))
                .containsExactly("trigger 't': unknown file event 'rename' in params.events; expected one of create, modify, delete");
        assertThat(errors(trigger("filesystem", "path", "in", "events", "create")))
                .containsExactly("trigger 't': params.events must be a list of create, modify, delete, found 'create'");
        assertThat(errors(trigger("filesystem", "path", "in", "events", List.of()))).singleElement().asString()
                .startsWith("trigger 't': params.events is empty");
    }

    @Test
    void aBadGlobIsNamedWithWhere() {
        assertThat(errors(trigger("filesystem", "path", "in", "pattern", "*.{csv")))
                .containsExactly("trigger 't': params.pattern '*.{csv' is not a valid glob: Missing '} near index 5");
    }

    @Test
    void aNonBooleanRecursiveIsNamed() {
        assertThat(errors(trigger("filesystem", "path", "in", "recursive", "yes")))
                .containsExactly("trigger 't': params.recursive must be true or false, found 'yes'");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThat(errors(trigger("filesystem", "events", List.of("moved"), "pattern", "[a"))).hasSize(3);
    }

    @Test
    void createRefusesWhatValidateReports() {
        assertThatThrownBy(() -> TriggerListeners.create(trigger("cron", "schedule", "0 0 25 * * *"), vertx,
                (t, j) -> null, Path.of(".")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("flow.yaml:4:5: trigger 't': params.schedule '0 0 25 * * *' is not a valid cron schedule: Value 25 not in range [0, 23]");
    }
}

package io.xerv.host.trigger;

import io.vertx.core.Vertx;
import io.xerv.host.flow.FlowError;
import io.xerv.host.flow.TriggerDef;
import io.xerv.plugin.HostServices;

import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.PatternSyntaxException;

/** Builds the listener of a cron or file-system trigger, and checks their params at deploy time. */
public final class TriggerListeners {

    private static final String DEFAULT_TIMEZONE = "UTC";

    private TriggerListeners() {
    }

    /**
     * The errors in a trigger's params (a bad cron expression or time zone, a missing path, an unknown
     * event), each at the trigger's mark; empty for trigger types without a listener.
     */
    public static List<FlowError> validate(TriggerDef def) {
        List<String> problems = new ArrayList<>();
        switch (def.type()) {
            case "cron" -> cronSchedule(def, problems);
            case "filesystem" -> fileSpec(def, problems);
            default -> {
            }
        }
        String prefix = "trigger '" + def.id() + "': ";
        return problems.stream().map(p -> new FlowError(def.mark(), prefix + p)).toList();
    }

    /**
     * A listener for {@code def}, not yet started; empty for webhook and manual triggers.
     *
     * @param baseDir what relative watch paths resolve against
     * @throws IllegalArgumentException when {@link #validate} would report errors
     */
    public static Optional<TriggerListener> create(TriggerDef def, Vertx vertx, TriggerSink sink, Path baseDir) {
        return create(def, vertx, sink, baseDir, InstantSource.system());
    }

    /** As {@link #create(TriggerDef, Vertx, TriggerSink, Path)}, with cron times read from {@code clock}. */
    public static Optional<TriggerListener> create(TriggerDef def, Vertx vertx, TriggerSink sink, Path baseDir,
                                                   InstantSource clock) {
        return create(def, vertx, sink, baseDir, clock, HostServices.defaults());
    }

    /**
     * As {@link #create(TriggerDef, Vertx, TriggerSink, Path, InstantSource)}, with a watched folder
     * checked by {@code services} ({@link HostServices.FileUse#WATCH}): never {@code /proc}, {@code /dev},
     * {@code /sys} or a folder holding the host's data directory, whose writes would fire the trigger
     * forever.
     *
     * @throws IllegalArgumentException when the params are wrong or the policy refuses the folder
     */
    public static Optional<TriggerListener> create(TriggerDef def, Vertx vertx, TriggerSink sink, Path baseDir,
                                                   InstantSource clock, HostServices services) {
        List<String> problems = new ArrayList<>();
        return switch (def.type()) {
            case "cron" -> {
                CronSchedule schedule = cronSchedule(def, problems);
                failOn(def, problems);
                yield Optional.of(new CronTriggerListener(def.id(), schedule, vertx, sink, clock));
            }
            case "filesystem" -> {
                FileSpec spec = fileSpec(def, problems);
                failOn(def, problems);
                Path root;
                try {
                    root = services.resolveFile(spec.path(), baseDir, HostServices.FileUse.WATCH);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(def.mark() + ": trigger '" + def.id() + "': params.path "
                            + e.getMessage());
                }
                yield Optional.of(new FileTriggerListener(def.id(), root, spec.events(), spec.matcher(),
                        spec.patternOnRelativePath(), spec.recursive(), vertx, sink, FileTriggerListener.DEFAULT_DEBOUNCE));
            }
            default -> Optional.empty();
        };
    }

    private static void failOn(TriggerDef def, List<String> problems) {
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(def.mark() + ": trigger '" + def.id() + "': " + String.join("; ", problems));
        }
    }

    private static CronSchedule cronSchedule(TriggerDef def, List<String> problems) {
        String expression = def.param("schedule");
        String zone = def.param("timezone") == null ? DEFAULT_TIMEZONE : def.param("timezone");
        if (expression == null) {
            problems.add("cron trigger needs params.schedule");
            return null;
        }
        try {
            return CronSchedule.parse(expression, zone);
        } catch (IllegalArgumentException e) {
            String where = e.getMessage().startsWith("'" + zone + "' is not a time zone") ? "params.timezone " : "params.schedule ";
            problems.add(where + e.getMessage());
            return null;
        }
    }

    /** A file-system trigger's params, checked. */
    private record FileSpec(String path, Set<FileEvent> events, PathMatcher matcher, boolean patternOnRelativePath,
                            boolean recursive) {
    }

    private static FileSpec fileSpec(TriggerDef def, List<String> problems) {
        String path = def.param("path");
        if (path == null) {
            problems.add("filesystem trigger needs params.path");
        } else if (path.isBlank()) {
            problems.add("params.path must not be empty");
        }
        Set<FileEvent> events = EnumSet.noneOf(FileEvent.class);
        Object rawEvents = def.params().get("events");
        if (rawEvents == null) {
            events = EnumSet.allOf(FileEvent.class);
        } else if (rawEvents instanceof List<?> list) {
            for (Object o : list) {
                FileEvent e = o == null ? null : FileEvent.fromWireName(o.toString());
                if (e == null) {
                    problems.add("unknown file event '" + o + "' in params.events; expected one of create, modify, delete");
                } else {
                    events.add(e);
                }
            }
            if (list.isEmpty()) {
                problems.add("params.events is empty: nothing would fire; list some of create, modify, delete or leave it out");
            }
        } else {
            problems.add("params.events must be a list of create, modify, delete, found '" + rawEvents + "'");
        }
        String pattern = def.param("pattern");
        PathMatcher matcher = null;
        if (pattern != null) {
            if (pattern.isEmpty()) {
                problems.add("params.pattern must not be empty");
            } else {
                try {
                    matcher = Glob.compile(pattern);
                } catch (PatternSyntaxException e) {
                    problems.add("params.pattern '" + pattern + "' is not a valid glob: " + e.getDescription()
                            + " near index " + e.getIndex());
                } catch (IllegalArgumentException e) {
                    problems.add("params.pattern '" + pattern + "' is not a valid glob");
                }
            }
        }
        Object rawRecursive = def.params().get("recursive");
        boolean recursive = false;
        if (rawRecursive instanceof Boolean b) {
            recursive = b;
        } else if (rawRecursive != null) {
            problems.add("params.recursive must be true or false, found '" + rawRecursive + "'");
        }
        return new FileSpec(path, events, matcher, pattern != null && pattern.contains("/"), recursive);
    }
}

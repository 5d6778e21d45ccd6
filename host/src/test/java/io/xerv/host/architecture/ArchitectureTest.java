package io.xerv.host.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import io.xerv.plugin.Experimental;
import io.xerv.plugin.Stable;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The module rules of DESIGN.md ("Modules and what each may see") and the stability rules of the
 * plugin contract (STYLE.md, "Stability is marked and checked"), over every {@code io.xerv} class on
 * the host's class path: plugin-api, arena, plugins-std, the bridges and host. Test classes are left out.
 */
@AnalyzeClasses(packages = "io.xerv", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String PLUGIN_API = "io.xerv.plugin..";
    private static final String JDK = "java..";

    // ---- modules ----

    @ArchTest
    static final ArchRule pluginApiDependsOnlyOnTheJdk = classes()
            .that().resideInAPackage(PLUGIN_API)
            .should().onlyDependOnClassesThat().resideInAnyPackage(PLUGIN_API, JDK)
            .because("plugin-api is the contract for node authors and depends on the JDK only");

    @ArchTest
    static final ArchRule pluginApiNeverSeesEngineTypes = noClasses()
            .that().resideInAPackage(PLUGIN_API)
            .should().dependOnClassesThat().resideInAnyPackage("io.xerv.host..", "io.xerv.arena..", "io.xerv.std..",
                    "io.vertx..")
            .because("no arrow runs upward: plugin-api never imports an engine type");

    @ArchTest
    static final ArchRule stdPluginsSeeOnlyThePluginApi = classes()
            .that().resideInAPackage("io.xerv.std..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("io.xerv.std..", PLUGIN_API, JDK, "javax.net.ssl..",
                    "com.google.re2j..")
            .because("std:: nodes are plugins like any third party's, found by ServiceLoader (std::http uses the"
                    + " JDK's TLS, conditions RE2/J)");

    @ArchTest
    static final ArchRule arenaSeesOnlyThePluginApiAndItsCodecs = classes()
            .that().resideInAPackage("io.xerv.arena..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("io.xerv.arena..", PLUGIN_API,
                    "com.google.flatbuffers..", "org.apache.fory..", "com.fasterxml.jackson..", JDK)
            .because("arena -> plugin-api (value views), plus its encoders");

    @ArchTest
    static final ArchRule arenaNeverSeesHostOrStd = noClasses()
            .that().resideInAPackage("io.xerv.arena..")
            .should().dependOnClassesThat().resideInAnyPackage("io.xerv.host..", "io.xerv.std..")
            .because("no arrow runs upward");

    @ArchTest
    static final ArchRule theWasmBridgeSeesOnlyThePluginApiAndTheArena = noClasses()
            .that().resideInAPackage("io.xerv.wasm..")
            .should().dependOnClassesThat().resideInAnyPackage("io.xerv.std..", "io.xerv.wal..", "io.xerv.js..")
            .because("wasm-bridge -> plugin-api, arena");

    @ArchTest
    static final ArchRule theJsBridgeSeesOnlyThePluginApiAndTheArena = noClasses()
            .that().resideInAPackage("io.xerv.js..")
            .should().dependOnClassesThat().resideInAnyPackage("io.xerv.std..", "io.xerv.wal..", "io.xerv.wasm..")
            .because("js-bridge -> plugin-api, arena");

    @ArchTest
    static final ArchRule onlyTheHostSeesTheHost = noClasses()
            .that().resideOutsideOfPackage("io.xerv.host..")
            .should().dependOnClassesThat().resideInAPackage("io.xerv.host..")
            .because("host sits on top of every other module");

    @ArchTest
    static final ArchRule ratisTypesNeverLeaveTheRaftModule = noClasses()
            .that().resideOutsideOfPackage("io.xerv.raft..")
            .should().dependOnClassesThat().resideInAPackage("org.apache.ratis..")
            .because("raft exposes plain Java interfaces to host");

    // ---- stability of the plugin contract ----

    @ArchTest
    static final ArchRule everyPublicContractTypeDeclaresItsStability = classes()
            .that().resideInAPackage(PLUGIN_API).and().arePublic().and().areTopLevelClasses()
            .should().beAnnotatedWith(Stable.class).orShould().beAnnotatedWith(Experimental.class)
            .because("plugin authors must know which parts of the contract may change");

    @ArchTest
    static final ArchRule stableSignaturesUseOnlyStableTypes = classes()
            .that(areStable())
            .should(useOnlyStableTypesInPublicSignatures())
            .because("a @Stable type only uses stable types in its public signatures, unless the member is"
                    + " itself @Experimental");

    /**
     * True for an {@code io.xerv.plugin} type marked {@link Stable}; a nested type without a mark of its
     * own takes its enclosing type's.
     */
    static boolean isStable(JavaClass c) {
        for (JavaClass t = c; t != null; t = t.getEnclosingClass().orElse(null)) {
            if (t.isAnnotatedWith(Experimental.class)) {
                return false;
            }
            if (t.isAnnotatedWith(Stable.class)) {
                return true;
            }
        }
        return false;
    }

    private static DescribedPredicate<JavaClass> areStable() {
        return DescribedPredicate.describe("are public @Stable types of io.xerv.plugin",
                c -> c.getPackageName().startsWith("io.xerv.plugin") && c.getModifiers().contains(JavaModifier.PUBLIC)
                        && isStable(c));
    }

    private static ArchCondition<JavaClass> useOnlyStableTypesInPublicSignatures() {
        return new ArchCondition<>("use only JDK types and @Stable plugin-api types in public signatures") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                List<JavaMember> members = new ArrayList<>();
                members.addAll(c.getMethods());
                members.addAll(c.getConstructors());
                members.addAll(c.getFields());
                for (JavaMember m : members) {
                    Set<JavaModifier> mods = m.getModifiers();
                    if (!mods.contains(JavaModifier.PUBLIC) || mods.contains(JavaModifier.SYNTHETIC)
                            || mods.contains(JavaModifier.BRIDGE) || m.isAnnotatedWith(Experimental.class)) {
                        continue;
                    }
                    List<JavaType> types = new ArrayList<>();
                    if (m instanceof JavaCodeUnit u) {
                        types.add(u.getReturnType());
                        types.addAll(u.getParameterTypes());
                    } else if (m instanceof JavaField f) {
                        types.add(f.getType());
                    }
                    Set<String> unstable = new TreeSet<>();
                    for (JavaType t : types) {
                        for (JavaClass raw : t.getAllInvolvedRawTypes()) {
                            JavaClass base = raw.isArray() ? raw.getBaseComponentType() : raw;
                            if (!base.isPrimitive() && !base.getPackageName().startsWith("java.") && !isStable(base)) {
                                unstable.add(base.getName());
                            }
                        }
                    }
                    if (!unstable.isEmpty()) {
                        events.add(SimpleConditionEvent.violated(m, m.getFullName() + " is public in @Stable "
                                + c.getSimpleName() + " but uses " + String.join(", ", unstable)
                                + ", which is not @Stable; mark the member @Experimental or the type @Stable"));
                    }
                }
            }
        };
    }
}

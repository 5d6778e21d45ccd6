package io.xerv.host.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.xerv.host.plugin.NodeRegistry;
import io.xerv.plugin.Node;
import io.xerv.plugin.NodeDefinition;
import io.xerv.plugin.NodeFactory;
import io.xerv.plugin.XervPlugin;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelTest {

    @Test
    void markAndErrorShouldPrintFileLineColumn() {
        Mark m = new Mark("flows/a.yaml", 3, 7);
        assertThat(m).hasToString("flows/a.yaml:3:7");
        assertThat(new FlowError(m, "bad")).hasToString("flows/a.yaml:3:7: bad");
        assertThat(new FlowError(m, "bad").withoutFile()).isEqualTo("3:7: bad");
    }

    @Test
    void flowExceptionMessageShouldListErrorsByLine() {
        FlowException e = new FlowException(List.of(new FlowError(new Mark("f", 1, 1), "one"), new FlowError(new Mark("f", 2, 3), "two")));
        assertThat(e.getMessage()).isEqualTo("f:1:1: one\nf:2:3: two");
    }

    @Test
    void recordsShouldRejectNullsNamingTheField() {
        assertThatThrownBy(() -> new Mark(null, 1, 1)).hasMessage("file");
        assertThatThrownBy(() -> new FlowError(null, "x")).hasMessage("mark");
        Mark m = Mark.start("f");
        assertThatThrownBy(() -> new EdgeDef("a", "out", null, "in", null, false, "", m)).hasMessage("to");
        assertThatThrownBy(() -> new NodeDef("a", null, Map.of(), null, null, true, "", m, m, Map.of())).hasMessage("type");
        assertThatThrownBy(() -> new TriggerDef("a", "manual", null, true, "", m)).hasMessage("params");
        assertThatThrownBy(() -> new Mark("f", 0, 1)).hasMessageContaining("line");
    }

    @Test
    void configPathsShouldWalkUpToTheRoot() {
        assertThat(ConfigPaths.parent("mappings[1].from")).isEqualTo("mappings[1]");
        assertThat(ConfigPaths.parent("mappings[1]")).isEqualTo("mappings");
        assertThat(ConfigPaths.parent("mappings")).isEmpty();
        assertThat(ConfigPaths.key("a", "b.c")).isEqualTo("a[\"b.c\"]");
        assertThat(ConfigPaths.show("")).isEqualTo("config");
    }

    @Test
    void registryShouldRejectDuplicateTypesNamingBothClasses() {
        NodeFactory a = TestRegistry.stub("x::dup", List.of("out"), c -> List.of());
        NodeFactory b = new Other();
        assertThatThrownBy(() -> new NodeRegistry(List.of(a, b)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("node type 'x::dup' is registered twice")
                .hasMessageContaining(Other.class.getName());
    }

    @Test
    void registryFromPluginsShouldNameBothPlugins() {
        XervPlugin p1 = new P1();
        XervPlugin p2 = new P2();
        assertThatThrownBy(() -> NodeRegistry.of(List.of(p1, p2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("node type 'x::dup' is registered twice: by plugin " + P1.class.getName()
                        + " and by plugin " + P2.class.getName());
    }

    @Test
    void registryShouldFindFactoriesByType() {
        NodeRegistry r = TestRegistry.std();
        assertThat(r.find("std::switch")).get().extracting(NodeFactory::outputPorts).isEqualTo(List.of("true", "false"));
        assertThat(r.find("std::nope")).isEmpty();
        assertThat(r.all()).hasSize(11);
    }

    @Test
    void serviceLoaderRegistryShouldLoadWithoutPlugins() {
        // The test class path may or may not carry plugins; loading must work either way.
        assertThat(NodeRegistry.load().all()).isNotNull();
    }

    static final class Other implements NodeFactory {
        @Override
        public String type() {
            return "x::dup";
        }

        @Override
        public Node create(NodeDefinition definition) {
            throw new UnsupportedOperationException();
        }
    }

    static final class P1 implements XervPlugin {
        @Override
        public List<NodeFactory> nodeFactories() {
            return List.of(new Other());
        }
    }

    static final class P2 implements XervPlugin {
        @Override
        public List<NodeFactory> nodeFactories() {
            return List.of(new Other());
        }
    }
}

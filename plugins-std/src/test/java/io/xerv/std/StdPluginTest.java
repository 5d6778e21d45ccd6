package io.xerv.std;

import io.xerv.plugin.NodeFactory;
import io.xerv.plugin.XervPlugin;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;

class StdPluginTest {

    @Test
    void serviceLoaderShouldFindStdPluginWithAllElevenTypes() {
        List<XervPlugin> plugins = ServiceLoader.load(XervPlugin.class).stream().map(ServiceLoader.Provider::get).toList();
        assertThat(plugins).hasExactlyElementsOfTypes(StdPlugin.class);
        assertThat(plugins.get(0).nodeFactories()).extracting(NodeFactory::type).containsExactlyInAnyOrder(
                "std::log", "std::switch", "std::merge", "std::loop", "std::split", "std::map", "std::concat",
                "std::aggregate", "std::json_dynamic", "std::wait", "std::http");
    }

    @Test
    void everyFactoryShouldDescribeItselfAndAcceptOrRejectAnEmptyConfigWithoutThrowing() {
        for (NodeFactory f : new StdPlugin().nodeFactories()) {
            assertThat(f.description()).as(f.type()).isNotBlank();
            assertThat(f.outputPorts()).as(f.type()).doesNotContain(NodeFactory.ERROR_PORT);
            f.validate(io.xerv.plugin.Values.mapOf());
            f.validate(io.xerv.plugin.Values.NULL);
            f.validate(io.xerv.plugin.Values.of("garbage"));
        }
    }

    @Test
    void createShouldRejectBadConfigNamingNodeAndKey() {
        NodeFactory f = new SwitchNode.Factory();
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        f.create(new io.xerv.plugin.NodeDefinition("route", f.type(), io.xerv.plugin.Values.mapOf("expression", "a = 1"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("node 'route' (std::switch) has a bad config: expression: unknown operator '=' at 3 in 'a = 1';"
                        + " expected one of >=, <=, ==, !=, >, <");
    }

    @Test
    void portsShouldMatchTheReference() {
        StdPlugin p = new StdPlugin();
        assertThat(p.nodeFactories()).filteredOn(f -> f.type().equals("std::switch")).first()
                .extracting(NodeFactory::outputPorts).isEqualTo(List.of("true", "false"));
        assertThat(p.nodeFactories()).filteredOn(f -> f.type().equals("std::wait")).first()
                .extracting(NodeFactory::outputPorts).isEqualTo(List.of("out", "rejected", "escalated"));
        assertThat(p.nodeFactories()).filteredOn(f -> f.type().equals("std::http")).first()
                .extracting(NodeFactory::execution).isEqualTo(io.xerv.plugin.Execution.BLOCKING);
    }
}

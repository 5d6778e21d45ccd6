package io.xerv.host.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.xerv.host.flow.SelectorRef.Root;
import io.xerv.plugin.Value;
import io.xerv.plugin.Values;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateTest {

    @Test
    void plainTextShouldHaveNoSelectors() {
        Template t = Template.parse("hello");
        assertThat(t.hasSelectors()).isFalse();
        assertThat(t.isSingleSelector()).isFalse();
        assertThat(t.parts()).containsExactly(new Template.Literal("hello"));
    }

    @Test
    void nodeSelectorShouldSplitNodeAndPath() {
        SelectorRef s = Template.parse("${order.items[0].price}").selectors().get(0);
        assertThat(s.root()).isEqualTo(Root.NODE);
        assertThat(s.nodeId()).isEqualTo("order");
        assertThat(s.path().toString()).isEqualTo("items[0].price");
        assertThat(s.path().length()).isEqualTo(3);
        assertThat(s.text()).isEqualTo("${order.items[0].price}");
    }

    @Test
    void wholeNodeSelectorShouldHaveTheRootPath() {
        SelectorRef s = Template.parse("${order}").selectors().get(0);
        assertThat(s.nodeId()).isEqualTo("order");
        assertThat(s.path().isRoot()).isTrue();
    }

    @Test
    void reservedRootsShouldBeRecognised() {
        assertThat(Template.parse("${trace.id}").selectors().get(0).root()).isEqualTo(Root.TRACE_ID);
        SelectorRef trig = Template.parse("${trigger.body.id}").selectors().get(0);
        assertThat(trig.root()).isEqualTo(Root.TRIGGER);
        assertThat(trig.path().toString()).isEqualTo("body.id");
        assertThat(Template.parse("${trigger}").selectors().get(0).path().isRoot()).isTrue();
        SelectorRef cfg = Template.parse("${pipeline.config.fraud_threshold}").selectors().get(0);
        assertThat(cfg.root()).isEqualTo(Root.PIPELINE_CONFIG);
        assertThat(cfg.nodeId()).isNull();
        assertThat(cfg.path().toString()).isEqualTo("fraud_threshold");
    }

    @Test
    void singleSelectorShouldKeepTheValueType() {
        Template t = Template.parse("${a.n}");
        assertThat(t.isSingleSelector()).isTrue();
        assertThat(t.render(s -> Values.of(42L))).isEqualTo(Values.of(42L));
        assertThat(t.render(s -> null)).isEqualTo(Values.NULL);
    }

    @Test
    void mixedTextShouldRenderToAString() {
        Template t = Template.parse("Order ${a.id} costs ${a.total}; meta ${a.meta}");
        assertThat(t.isSingleSelector()).isFalse();
        assertThat(t.selectors()).hasSize(3);
        Map<String, Value> vals = Map.of("id", Values.of("o-1"), "total", Values.of(9.5), "meta", Values.mapOf("k", 1L));
        Value out = t.render(s -> vals.get((String) s.path().step(0)));
        assertThat(out.asString()).isEqualTo("Order o-1 costs 9.5; meta {\"k\":1}");
    }

    @Test
    void missingValueShouldRenderAsNullInText() {
        assertThat(Template.parse("x=${a.b}").render(s -> null).asString()).isEqualTo("x=null");
    }

    @Test
    void doubleDollarShouldEscapeASelector() {
        Template t = Template.parse("cost $${a.b} and $$ and ${a}");
        assertThat(t.selectors()).hasSize(1);
        assertThat(t.render(s -> Values.of("!")).asString()).isEqualTo("cost ${a.b} and $$ and !");
    }

    @Test
    void whitespaceInsideSelectorShouldBeIgnored() {
        assertThat(Template.parse("${ a.b }").selectors().get(0).nodeId()).isEqualTo("a");
    }

    @Test
    void quotedKeysMayContainBraces() {
        SelectorRef s = Template.parse("${a.m[\"x}y\"]}").selectors().get(0);
        assertThat(s.path().step(1)).isEqualTo("x}y");
    }

    @Test
    void malformedSelectorsShouldBeRejectedWithTheirText() {
        assertThatThrownBy(() -> Template.parse("a ${b.c")).hasMessage("unclosed selector '${b.c': missing '}'");
        assertThatThrownBy(() -> Template.parse("${}")).hasMessage("empty selector '${}'");
        assertThatThrownBy(() -> Template.parse("${ }")).hasMessage("empty selector '${ }'");
        assertThatThrownBy(() -> Template.parse("${a..b}")).hasMessage("malformed selector '${a..b}': bad path 'a..b': empty segment at 3");
        assertThatThrownBy(() -> Template.parse("${[0]}")).hasMessageStartingWith("malformed selector '${[0]}'");
        assertThatThrownBy(() -> Template.parse("${pipeline.foo}")).hasMessage("unknown selector '${pipeline.foo}'; use ${pipeline.config.<key>}");
        assertThatThrownBy(() -> Template.parse("${pipeline}")).hasMessage("unknown selector '${pipeline}'; use ${pipeline.config.<key>}");
        assertThatThrownBy(() -> Template.parse("${trace.span}")).hasMessage("unknown selector '${trace.span}'; use ${trace.id}");
    }
}

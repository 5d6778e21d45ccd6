package io.xerv.examples;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.sun.net.httpserver.HttpServer;
import io.xerv.host.serve.DeployPolicy;
import io.xerv.host.serve.NetworkPolicy;
import io.xerv.host.serve.ServeConfig;
import io.xerv.host.engine.CompiledFlow;
import io.xerv.host.engine.Engine;
import io.xerv.host.engine.EngineConfig;
import io.xerv.host.engine.NodeReport;
import io.xerv.host.engine.NodeStatus;
import io.xerv.host.engine.TraceHandle;
import io.xerv.host.engine.TraceReport;
import io.xerv.host.engine.TraceStatus;
import io.xerv.host.flow.FlowException;
import io.xerv.host.flow.NodeDef;
import io.xerv.plugin.NodeFactory;
import io.xerv.plugin.Value;
import io.xerv.plugin.Values;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every flow in {@code examples/flows} that has a sibling {@code NAME.input.json} through the
 * engine with that input, and checks what a reader of the flow should expect: which nodes ran or were
 * skipped, the ports they fired and the values they produced. Variants (other inputs, a resumed
 * approval, a CRM that answers) are tests of their own below.
 *
 * <p>Surefire runs in the module directory, so the flows are at {@code flows/}.
 */
class ExampleFlowsTest {

    static final Path FLOWS = Path.of("flows");

    @TempDir
    static Path dataDir;

    static Engine engine;

    /** What each example's sample input must produce. A flow with an input file must have an entry. */
    static final Map<String, Consumer<TraceReport>> EXPECTATIONS = Map.of(
            "order_processing", ExampleFlowsTest::orderProcessingFlagsTheRiskyOrder,
            "invoice_totals", ExampleFlowsTest::invoiceTotalsSumsTheLines,
            "order_approval", ExampleFlowsTest::orderApprovalSuspendsALargeOrder,
            "paging_loop", ExampleFlowsTest::pagingLoopFetchesThreePages,
            "enrich_customer", ExampleFlowsTest::enrichCustomerFallsBackWhenTheCrmIsDown,
            "data_cleanup", ExampleFlowsTest::dataCleanupKeepsThreeAndDropsTwo,
            "notify_subscribers", ExampleFlowsTest::notifySubscribersUsesEachChannelTheyHave);

    @BeforeAll
    static void startEngine() {
        // The example guests live outside examples/flows (GuestFlows grants the repository), and the CRM
        // stand-in listens on 127.0.0.1, which std::http may reach only when the host allows it.
        NetworkPolicy loopback = new NetworkPolicy(List.of(NetworkPolicy.Rule.parse("127.0.0.1/32")), List.of(),
                NetworkPolicy.DEFAULT_MAX_RESPONSE_BYTES, NetworkPolicy.DEFAULT_MAX_REDIRECTS);
        engine = Engine.start(EngineConfig.defaults(dataDir).withEventLoops(2)
                .withServices(ServeConfig.defaults().withNetwork(loopback)
                        .withPolicy(DeployPolicy.DEFAULT.withPaths(List.of(Path.of("."),
                                Path.of("..").toAbsolutePath().normalize())))
                        .hostServices()));
    }

    @AfterAll
    static void stopEngine() {
        if (engine != null) {
            engine.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyExampleShouldProduceWhatItsSampleInputPromises() throws IOException {
        List<Path> flows = examplesWithInput();
        assertThat(flows).as("examples with a sample input in %s", FLOWS.toAbsolutePath()).hasSizeGreaterThanOrEqualTo(6);
        return flows.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            String name = baseName(f);
            Consumer<TraceReport> expectation = EXPECTATIONS.get(name);
            if (expectation == null) {
                fail("%s has a sample input but no expectations in ExampleFlowsTest.EXPECTATIONS", f);
            }
            expectation.accept(settle(engine.load(f), Files.readString(inputOf(f))));
        }));
    }

    @Test
    void theExamplesTogetherShouldUseEveryStdNode() throws Exception {
        Set<String> used = new TreeSet<>();
        Set<String> features = new TreeSet<>();
        for (Path f : examplesWithInput()) {
            CompiledFlow flow = engine.load(f);
            for (NodeDef n : flow.definition().nodes().values()) {
                used.add(n.type());
                if (n.config() instanceof Map<?, ?> c) {
                    if (n.type().equals("std::split")) {
                        features.add("split:" + (c.containsKey("mode") ? c.get("mode") : "sequential"));
                    }
                    if (n.type().equals("std::merge")) {
                        features.add("merge:" + (c.containsKey("strategy") ? c.get("strategy") : "all"));
                    }
                }
                if (n.retry() != null) {
                    features.add("retry");
                }
            }
            flow.definition().edges().forEach(e -> {
                if (e.condition() != null) {
                    features.add("condition");
                }
                if (e.loopBack()) {
                    features.add("loop_back");
                }
                if (e.fromPort().equals(NodeFactory.ERROR_PORT)) {
                    features.add("error edge");
                }
            });
        }
        Set<String> std = engine.registry().all().stream().map(NodeFactory::type)
                .filter(t -> t.startsWith("std::")).collect(Collectors.toCollection(TreeSet::new));
        assertThat(std).hasSize(11);
        assertThat(used).containsAll(std);
        assertThat(features).contains("split:sequential", "split:parallel", "split:batched", "merge:all",
                "merge:any", "merge:count", "retry", "condition", "loop_back", "error edge");
    }

    // ---- the sample inputs ----

    static void orderProcessingFlagsTheRiskyOrder(TraceReport r) {
        assertThat(r.status()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(node(r, "fraud_check").port()).isEqualTo("true");
        assertSkipped(r, "process_normal");
        assertThat(node(r, "flag_suspicious").logs())
                .containsExactly("WARN Flagging suspicious order ORD-2024-0042 (risk 0.92)");
        assertThat(node(r, "notify_complete").status()).isEqualTo(NodeStatus.COMPLETED);
        assertThat(node(r, "final_log").logs()).containsExactly("INFO Order ORD-2024-0042 processed");
        assertThat(json(r.result())).isEqualTo(Map.of("id", "ORD-2024-0042", "customer", "Barbara Liskov",
                "amount", 1899.0, "risk_score", 0.92));
    }

    static void invoiceTotalsSumsTheLines(TraceReport r) {
        assertThat(r.status()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(node(r, "receive").logs()).containsExactly("INFO Invoice INV-1042 for Ada Lovelace with BOOK-1 first");
        NodeReport split = node(r, "each_line");
        assertThat(split.port()).isEqualTo("done");
        // Item order is kept although the items ran in parallel; PEN-7 gets the pipeline's currency.
        assertThat(json(split.output())).isEqualTo(List.of(
                Map.of("sku", "BOOK-1", "amount", 30L, "currency", "EUR"),
                Map.of("sku", "PEN-7", "amount", 4.5, "currency", "EUR"),
                Map.of("sku", "GIFT-CARD", "amount", 25L, "currency", "EUR")));
        assertThat(node(r, "shape_line").runs()).isEqualTo(3);
        assertThat(json(node(r, "invoice_total").output())).isEqualTo(Map.of("total", 59.5));
        assertThat(json(node(r, "line_count").output())).isEqualTo(Map.of("lines", 3L));
        assertThat(json(node(r, "totals").output())).isEqualTo(
                Map.of("invoice_total", Map.of("total", 59.5), "line_count", Map.of("lines", 3L)));
        assertThat(json(r.result().get("text"))).isEqualTo("Invoice INV-1042: 3 lines, total 59.5 EUR");
    }

    static void orderApprovalSuspendsALargeOrder(TraceReport r) {
        assertThat(r.status()).isEqualTo(TraceStatus.SUSPENDED);
        assertThat(r.suspendedHooks()).containsExactly("order-approval-" + r.traceId());
        assertThat(json(node(r, "stamp").output().get("audit"))).isEqualTo(Map.of("trace_id", r.traceId().toString()));
        assertThat(node(r, "needs_approval").port()).isEqualTo("true");
        assertSkipped(r, "auto_approve");
        assertThat(node(r, "approval").status()).isEqualTo(NodeStatus.SUSPENDED);
        assertThat(node(r, "outcome").status()).isEqualTo(NodeStatus.PENDING);
        // Leave no trace parked in the shared engine.
        assertThat(engine.resume("order-approval-" + r.traceId(), "reject", Values.NULL)
                .toCompletionStage().toCompletableFuture().join()).isNull();
    }

    static void pagingLoopFetchesThreePages(TraceReport r) {
        assertThat(r.status()).isEqualTo(TraceStatus.COMPLETED);
        NodeReport loop = node(r, "pages");
        // Runs 0, 1, 2 continue (fetched 0, 100, 200 < 250); run 3 sees 300 and exits.
        assertThat(loop.runs()).isEqualTo(4);
        assertThat(loop.port()).isEqualTo("exit");
        assertThat(node(r, "next_page").runs()).isEqualTo(3);
        assertThat(node(r, "join").runs()).isEqualTo(3);
        assertThat(node(r, "progress").logs()).containsExactly(
                "INFO customers: page 1, 100 of 250 records",
                "INFO customers: page 2, 200 of 250 records",
                "INFO customers: page 3, 300 of 250 records");
        assertThat(json(r.result())).isEqualTo(Map.of("listing", "customers", "page_size", 100L, "page", 3L,
                "fetched", 300L, "step", 1L, "summary", "fetched 300 records of customers in 3 pages"));
    }

    static void enrichCustomerFallsBackWhenTheCrmIsDown(TraceReport r) {
        assertThat(r.status()).isEqualTo(TraceStatus.COMPLETED);
        NodeReport lookup = node(r, "lookup");
        assertThat(lookup.status()).isEqualTo(NodeStatus.FAILED);
        assertThat(lookup.port()).isEqualTo("error");
        assertThat(lookup.attempts()).isEqualTo(2);
        // Refused on almost every machine; a host that runs a discard service times the request out instead.
        assertThat(lookup.error()).startsWith("GET http://127.0.0.1:9/customers/C-77 ");
        assertSkipped(r, "from_crm");
        assertThat(json(node(r, "fallback").output())).isEqualTo(Map.of("name", "Katherine Johnson", "tier", "standard",
                "source", Map.of("error", lookup.error(), "attempts", 2L)));
        assertThat(node(r, "welcome").logs()).containsExactly("INFO Welcome back, Katherine Johnson (tier standard)");
        assertSkipped(r, "gold_offer");
        // Only one of the two last nodes ran, so the result is its output, not a map.
        assertThat(json(r.result().get("greeting"))).isEqualTo("Welcome back, Katherine Johnson");
    }

    static void dataCleanupKeepsThreeAndDropsTwo(TraceReport r) {
        assertThat(r.status()).isEqualTo(TraceStatus.COMPLETED);
        String trace = r.traceId().toString();
        assertThat(json(node(r, "batch_info").output()))
                .isEqualTo(Map.of("system", "legacy-crm", "exported_at", "2024-05-01T12:00:00Z"));
        assertThat(node(r, "validate").runs()).isEqualTo(5);
        assertThat(node(r, "clean").runs()).isEqualTo(3);
        assertThat(node(r, "dropped").runs()).isEqualTo(2);
        assertThat(json(node(r, "records").output())).isEqualTo(List.of(
                Map.of("clean", Map.of("id", 1L, "email", "ada@example.com", "city", "London", "country", "UK",
                        "cleaned_by", trace, "primary_tag", "vip")),
                Map.of("clean", Map.of("id", 2L, "email", "alan@example.com", "city", "Wilmslow", "country", "NL",
                        "cleaned_by", trace)),
                Map.of("dropped", Map.of("reason", "required field 'email' is missing", "attempts", 1L)),
                Map.of("clean", Map.of("id", 4L, "email", "grace@example.com", "city", "Arlington", "country", "US",
                        "cleaned_by", trace)),
                Map.of("dropped", Map.of("reason", "required field 'id' is missing", "attempts", 1L))));
        assertThat(json(r.result())).isEqualTo(Map.of("summary", "legacy-crm: 3 kept, 2 dropped"));
    }

    static void notifySubscribersUsesEachChannelTheyHave(TraceReport r) {
        assertThat(r.status()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(node(r, "opted_in").runs()).isEqualTo(4);
        assertThat(node(r, "send_email").logs()).containsExactly(
                "INFO email to ada@example.com: spring-sale", "INFO email to edsger@example.com: spring-sale");
        assertThat(node(r, "send_sms").logs()).containsExactly(
                "INFO sms to +44 20 0000: spring-sale", "INFO sms to +44 161 0000: spring-sale");
        assertThat(node(r, "send_push").logs()).containsExactly(
                "INFO push to device tok-ada: spring-sale", "INFO push to device tok-ed: spring-sale");
        // Once per opted-in subscriber: Ada after two of her three channels, Alan after his only one.
        assertThat(node(r, "two_channels").runs()).isEqualTo(3);
        assertThat(node(r, "receipt").runs()).isEqualTo(3);
        assertThat(node(r, "not_opted_in").runs()).isEqualTo(1);
        assertThat(json(r.result())).isEqualTo(List.of(
                Map.of("receipt", Map.of("receipt", "Ada notified (spring-sale, from Acme News)")),
                Map.of("receipt", Map.of("receipt", "Alan notified (spring-sale, from Acme News)")),
                Map.of("not_opted_in", Map.of("skipped", "Grace has not opted in")),
                Map.of("receipt", Map.of("receipt", "Edsger notified (spring-sale, from Acme News)"))));
        assertThat(node(r, "report").logs()).singleElement().satisfies(
                line -> assertThat(line).startsWith("INFO campaign spring-sale done input=[{\"receipt\""));
    }

    // ---- variants ----

    @Test
    void orderProcessingShouldTakeTheNormalBranchForALowRisk() throws Exception {
        TraceReport r = settle(flow("order_processing"), "{\"id\": \"ORD-1\", \"risk_score\": 0.1}");
        assertThat(r.status()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(node(r, "fraud_check").port()).isEqualTo("false");
        assertThat(node(r, "process_normal").logs()).containsExactly("INFO Processing normal order ORD-1");
        assertSkipped(r, "flag_suspicious");
        assertThat(node(r, "final_log").logs()).containsExactly("INFO Order ORD-1 processed");
    }

    @Test
    void orderApprovalShouldApproveSmallOrdersWithoutWaiting() throws Exception {
        TraceReport r = settle(flow("order_approval"), "{\"order_id\": \"A-7\", \"amount\": 120}");
        assertThat(r.status()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(node(r, "needs_approval").port()).isEqualTo("false");
        assertSkipped(r, "approval", "approved", "rejected", "escalated");
        assertThat(json(r.result())).isEqualTo(Map.of("outcome", "order A-7 | approved automatically"));
        assertThat(node(r, "notify").logs())
                .containsExactly("INFO order A-7 | approved automatically (trace " + r.traceId() + ")");
    }

    @Test
    void orderApprovalShouldContinueOnTheApprovedBranchWhenResumedWithApprove() throws Exception {
        TraceReport r = decide("approve", Values.of(Map.of("approved_by", "ops-lead")));
        assertThat(node(r, "approval").port()).isEqualTo("out");
        assertThat(json(node(r, "approved").output())).isEqualTo(Map.of("approved_by", "ops-lead", "decision", "approved"));
        assertSkipped(r, "auto_approve", "rejected", "escalated");
        assertThat(json(r.result())).isEqualTo(Map.of("outcome", "order A-1001 | approved | ops-lead"));
    }

    @Test
    void orderApprovalShouldPassTheOrderOnWhenApprovedWithoutAPayload() throws Exception {
        TraceReport r = decide("approved", Values.NULL);
        assertThat(json(node(r, "approved").output().get("order_id"))).isEqualTo("A-1001");
        assertThat(json(r.result())).isEqualTo(Map.of("outcome", "order A-1001 | approved"));
    }

    @Test
    void orderApprovalShouldTakeTheRejectedBranchWithTheReason() throws Exception {
        TraceReport r = decide("reject", Values.of("over the customer's credit limit"));
        assertThat(node(r, "approval").port()).isEqualTo("rejected");
        assertThat(json(node(r, "rejected").output())).isEqualTo(
                Map.of("rejected", true, "reason", "over the customer's credit limit", "decision", "rejected"));
        assertSkipped(r, "approved", "escalated");
        assertThat(json(r.result())).isEqualTo(Map.of("outcome", "order A-1001 | rejected | over the customer's credit limit"));
    }

    @Test
    void orderApprovalShouldTakeTheEscalatedBranch() throws Exception {
        TraceReport r = decide("escalate", Values.NULL);
        assertThat(node(r, "approval").port()).isEqualTo("escalated");
        Map<String, Object> escalated = new java.util.HashMap<>();
        escalated.put("escalated", true);
        escalated.put("details", null);
        escalated.put("timed_out", false);
        escalated.put("decision", "escalated");
        assertThat(json(node(r, "escalated").output())).isEqualTo(escalated);
        assertThat(json(r.result())).isEqualTo(Map.of("outcome", "order A-1001 | escalated"));
    }

    @Test
    void orderApprovalShouldRefuseADecisionTheWaitDoesNotKnow() throws Exception {
        TraceHandle h = engine.start(flow("order_approval"), null, Files.readAllBytes(inputOf("order_approval")));
        TraceReport r = get(h.settled());
        String hook = "order-approval-" + r.traceId();
        Throwable refused = engine.resume(hook, "maybe", Values.NULL).toCompletionStage().toCompletableFuture()
                .handle((v, t) -> t).join();
        assertThat(refused).hasMessageContaining("decision 'maybe' is not one of [approve, escalate, reject]");
        assertThat(engine.suspendedHooks()).contains(hook);
        get(engine.resume(hook, "reject", Values.NULL));
        assertThat(get(h.completion()).status()).isEqualTo(TraceStatus.COMPLETED);
    }

    @Test
    void orderApprovalShouldRejectWhenNobodyDecidesBeforeTheTimeout() throws Exception {
        CompiledFlow shortWait = variant("order_approval", "approval_timeout_ms: 86400000", "approval_timeout_ms: 50");
        TraceHandle h = engine.start(shortWait, null, Files.readAllBytes(inputOf("order_approval")));
        TraceReport r = get(h.completion());
        assertThat(r.status()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(node(r, "approval").port()).isEqualTo("rejected");
        assertThat(json(node(r, "rejected").output())).isEqualTo(
                Map.of("rejected", true, "reason", "timeout", "decision", "rejected"));
        assertThat(json(r.result())).isEqualTo(Map.of("outcome", "order A-1001 | rejected | timeout"));
        assertThat(engine.suspendedHooks()).doesNotContain("order-approval-" + r.traceId());
    }

    @Test
    void orderApprovalShouldFailAnOrderWithoutAnAmount() throws Exception {
        TraceReport r = settle(flow("order_approval"), "{\"order_id\": \"A-8\"}");
        assertThat(r.status()).isEqualTo(TraceStatus.FAILED);
        assertThat(r.error()).isEqualTo("node 'stamp' failed: required field 'amount' is missing");
        assertThat(node(r, "stamp").status()).isEqualTo(NodeStatus.FAILED);
    }

    @Test
    void pagingLoopShouldStopAtMaxPages() throws Exception {
        TraceReport r = settle(flow("paging_loop"), "{\"listing\": \"orders\", \"total\": 1000000, \"page_size\": 50}");
        assertThat(r.status()).isEqualTo(TraceStatus.COMPLETED);
        // max_pages is 10: runs 0..9 continue, run 10 exits.
        assertThat(node(r, "pages").runs()).isEqualTo(11);
        assertThat(node(r, "progress").logs()).hasSize(10).last().isEqualTo("INFO orders: page 10, 500 of 1000000 records");
        assertThat(json(r.result().get("summary"))).isEqualTo("fetched 500 records of orders in 10 pages");
    }

    @Test
    void pagingLoopShouldNotRunTheBodyWhenNothingIsLeft() throws Exception {
        TraceReport r = settle(flow("paging_loop"),
                "{\"listing\": \"orders\", \"total\": 40, \"page_size\": 50, \"already_fetched\": 40}");
        assertThat(node(r, "pages").runs()).isEqualTo(1);
        assertThat(node(r, "pages").port()).isEqualTo("exit");
        assertSkipped(r, "next_page", "fetch_page", "join", "fold", "progress");
        assertThat(json(r.result().get("summary"))).isEqualTo("fetched 40 records of orders in 0 pages");
    }

    @Test
    void enrichCustomerShouldUseTheCrmWhenItAnswers() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        HttpServer crm = crm(200, "{\"id\": \"C-77\", \"name\": \"Katherine G. Johnson\", \"tier\": \"gold\"}", seen);
        try {
            TraceReport r = settle(crmVariant(crm), Files.readString(inputOf("enrich_customer")));
            assertThat(r.status()).isEqualTo(TraceStatus.COMPLETED);
            assertThat(seen).containsExactly("GET /customers/C-77 trace=" + r.traceId());
            NodeReport lookup = node(r, "lookup");
            assertThat(lookup.port()).isEqualTo("out");
            assertThat(lookup.attempts()).isEqualTo(1);
            assertThat(json(lookup.output().get("status"))).isEqualTo(200L);
            assertSkipped(r, "fallback");
            assertThat(json(node(r, "from_crm").output())).isEqualTo(Map.of("name", "Katherine G. Johnson", "tier", "gold",
                    "source", Map.of("http_status", 200L, "crm_id", "C-77")));
            assertThat(node(r, "gold_offer").logs()).containsExactly("INFO Customer C-77 is gold: offering free shipping");
            // Both last nodes ran: the result maps each to its output.
            assertThat(json(r.result().get("welcome").get("greeting"))).isEqualTo("Welcome back, Katherine G. Johnson");
            assertThat(json(r.result().get("gold_offer").get("tier"))).isEqualTo("gold");
        } finally {
            crm.stop(0);
        }
    }

    @Test
    void enrichCustomerShouldRetryAServerErrorOnceThenFallBack() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        HttpServer crm = crm(503, "{\"error\": \"maintenance\"}", seen);
        try {
            TraceReport r = settle(crmVariant(crm), Files.readString(inputOf("enrich_customer")));
            assertThat(r.status()).isEqualTo(TraceStatus.COMPLETED);
            assertThat(seen).hasSize(2);
            NodeReport lookup = node(r, "lookup");
            assertThat(lookup.attempts()).isEqualTo(2);
            assertThat(lookup.error()).isEqualTo("HTTP 503 from http://127.0.0.1:" + crm.getAddress().getPort()
                    + "/customers/C-77: {\"error\": \"maintenance\"}");
            assertThat(json(node(r, "fallback").output().get("tier"))).isEqualTo("standard");
            assertSkipped(r, "from_crm", "gold_offer");
        } finally {
            crm.stop(0);
        }
    }

    @Test
    void dataCleanupShouldFinishAnEmptyBatch() throws Exception {
        TraceReport r = settle(flow("data_cleanup"), "{\"source\": {\"system\": \"s3\"}, \"records\": []}");
        assertThat(r.status()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(json(node(r, "records").output())).isEqualTo(List.of());
        assertThat(node(r, "validate").runs()).isZero();
        assertThat(json(r.result())).isEqualTo(Map.of("summary", "s3: 0 kept, 0 dropped"));
    }

    // ---- helpers ----

    private static TraceReport decide(String decision, Value payload) throws Exception {
        TraceHandle h = engine.start(flow("order_approval"), null, Files.readAllBytes(inputOf("order_approval")));
        TraceReport waiting = get(h.settled());
        assertThat(waiting.status()).isEqualTo(TraceStatus.SUSPENDED);
        get(engine.resume("order-approval-" + waiting.traceId(), decision, payload));
        TraceReport r = get(h.completion());
        assertThat(r.status()).isEqualTo(TraceStatus.COMPLETED);
        assertThat(r.suspendedHooks()).isEmpty();
        assertThat(node(r, "decided").status()).isEqualTo(NodeStatus.COMPLETED);
        return r;
    }

    /** A CRM stand-in answering every request with one status and body, recording what it was asked. */
    private static HttpServer crm(int status, String body, List<String> seen) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            seen.add(ex.getRequestMethod() + " " + ex.getRequestURI() + " trace=" + ex.getRequestHeaders().getFirst("X-Trace-Id"));
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(status, bytes.length);
            ex.getResponseBody().write(bytes);
            ex.close();
        });
        server.start();
        return server;
    }

    private static CompiledFlow crmVariant(HttpServer crm) throws Exception {
        return variant("enrich_customer", "crm_url: \"http://127.0.0.1:9\"",
                "crm_url: \"http://127.0.0.1:" + crm.getAddress().getPort() + "\"");
    }

    /** The example with one line of its text replaced, loaded from a copy. */
    private static CompiledFlow variant(String name, String line, String replacement) throws Exception {
        String text = Files.readString(FLOWS.resolve(name + ".yaml"));
        assertThat(text).contains(line);
        Path copy = dataDir.resolve(name + "-" + Integer.toHexString(replacement.hashCode()) + ".yaml");
        Files.writeString(copy, text.replace(line, replacement));
        return engine.load(copy);
    }

    private static CompiledFlow flow(String name) throws FlowException {
        return engine.load(FLOWS.resolve(name + ".yaml"));
    }

    private static TraceReport settle(CompiledFlow flow, String input) throws Exception {
        return get(engine.start(flow, null, input.getBytes(StandardCharsets.UTF_8)).settled());
    }

    private static <T> T get(io.vertx.core.Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, SECONDS);
    }

    private static List<Path> examplesWithInput() throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(FLOWS)) {
            for (Path p : s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                if (Files.exists(inputOf(p))) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    private static Path inputOf(Path flow) {
        return flow.resolveSibling(baseName(flow) + ".input.json");
    }

    private static Path inputOf(String name) {
        return FLOWS.resolve(name + ".input.json");
    }

    private static String baseName(Path flow) {
        String f = flow.getFileName().toString();
        return f.substring(0, f.length() - ".yaml".length());
    }

    private static NodeReport node(TraceReport r, String id) {
        return r.nodes().stream().filter(n -> n.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no node '" + id + "' in " + r.toJson()));
    }

    private static void assertSkipped(TraceReport r, String... ids) {
        for (String id : ids) {
            assertThat(node(r, id).status()).as("status of %s", id).isEqualTo(NodeStatus.SKIPPED);
            assertThat(node(r, id).runs()).as("runs of %s", id).isZero();
        }
    }

    /** A report value as plain Java (Long, Double, String, Boolean, List, Map) for equality checks. */
    private static Object json(Value v) {
        return v == null ? null : Values.toJava(v);
    }
}

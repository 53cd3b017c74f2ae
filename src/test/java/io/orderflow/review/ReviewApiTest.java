package io.orderflow.review;

import static io.orderflow.support.Webhooks.fixture;
import static io.orderflow.support.Webhooks.hmacBase64;
import static io.orderflow.support.Webhooks.json;
import static io.orderflow.support.Webhooks.shopifyHeaders;
import static io.orderflow.support.Webhooks.withOrderId;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderflow.support.Broker;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.camel.CamelContext;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Issue 11, "Review and replay you can act on": the review API lists what is parked (review and dead-letter) with
 * what an operator needs, replays one, a selection or a reason, discards with a recorded reason; every action done
 * twice does nothing more the second time; the viewer reads but cannot act; nothing of the request is answered.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"orderflow.data-dir=target/test-data/review-api-${random.uuid}", "spring.artemis.embedded.server-id=31",
                "orderflow.security.viewer.name=auditor", "orderflow.security.viewer.password=test-viewer-password",
                "orderflow.review.max-payload-chars=300"})
@ActiveProfiles("test")
class ReviewApiTest {

    static final String OPERATOR = "admin:test-admin-password";
    static final String VIEWER = "auditor:test-viewer-password";
    static final String ORIGIN = "orderflow.test.review-api-target";
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final Path MAPPINGS = copyOfMappings();
    static final Path SHOPIFY_MAPPING = MAPPINGS.resolve("shopify-order-to-canonical.jsonata");

    @DynamicPropertySource
    static void mappingsDir(DynamicPropertyRegistry registry) {
        registry.add("orderflow.mappings-dir", MAPPINGS::toString);
    }

    @LocalServerPort
    int port;
    @Autowired
    JmsTemplate jms;
    @Autowired
    EmbeddedActiveMQ embeddedBroker;
    @Autowired
    CamelContext camel;
    Broker broker;
    String run;

    @BeforeEach
    void setUp() throws Exception {
        camel.getRouteController().stopRoute("payment-gate");
        broker = new Broker(embeddedBroker);
        run = UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void aParkedOrderIsListedWithWhatAnOperatorNeedsAndReplayedOnceByItsId() throws Exception {
        String good = Files.readString(SHOPIFY_MAPPING);
        Files.writeString(SHOPIFY_MAPPING, good.replace("\"currency\": $o.currency,", "\"currency\": $lowercase($o.currency),"));
        String orderId = "77" + System.nanoTime() % 1_000_000_000L;
        byte[] body = withOrderId(fixture("shopify-orders-create.json"), "450789469", orderId);
        String orderKey = "test-shopify:" + orderId;
        assertThat(io.orderflow.support.Webhooks.post(port, "/webhooks/shop/test-shopify", body,
                shopifyHeaders("orders/create", "api-" + run, hmacBase64("shpss_test_client_secret", body))).statusCode())
                .isEqualTo(200);
        await(() -> list("?orderKey=" + orderKey).get("count").asInt() == 1);

        JsonNode parked = list("?orderKey=" + orderKey).get("messages").get(0);
        assertThat(parked.get("queue").asText()).isEqualTo("review");
        assertThat(parked.get("orderKey").asText()).isEqualTo(orderKey);
        assertThat(parked.get("reason").asText()).contains("Exception");
        assertThat(parked.get("stage").asText()).isEqualTo("normalise-shop-order");
        assertThat(parked.get("replayQueue").asText()).isEqualTo("orderflow.intake.shop");
        assertThat(parked.get("attempts").asInt()).isEqualTo(1);
        OffsetDateTime first = OffsetDateTime.parse(parked.get("firstFailedAt").asText());
        assertThat(OffsetDateTime.parse(parked.get("lastFailedAt").asText())).isEqualTo(first);
        assertThat(parked.get("messageId").asText()).startsWith("ID:");
        assertThat(parked.get("payloadTruncated").asBoolean()).isTrue(); // max-payload-chars=300 here
        assertThat(parked.get("payload").asText()).hasSize(300);
        assertThat(parked.get("payloadLength").asInt()).isGreaterThan(300);
        // the same message by id, and by a reason substring in any case
        String id = parked.get("messageId").asText();
        assertThat(json(get("/api/admin/review/messages/" + enc(id), OPERATOR).body()).get("orderKey").asText())
                .isEqualTo(orderKey);
        String reasonPart = parked.get("reason").asText().substring(0, 12).toUpperCase(Locale.ROOT);
        assertThat(list("?reason=" + enc(reasonPart) + "&orderKey=" + orderKey).get("count").asInt()).isEqualTo(1);

        Files.writeString(SHOPIFY_MAPPING, good);
        long eventsBefore = broker.added("orderflow.order.events");
        HttpResponse<String> replayed = post("/api/admin/review/messages/" + enc(id) + "/replay", "", OPERATOR);
        assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(200);
        jms.setReceiveTimeout(15_000);
        Message event = jms.receiveSelected("orderflow.order.events", "orderKey = '" + orderKey + "'");
        assertThat(event).isNotNull();
        assertThat(json(((TextMessage) event).getText()).get("currency").asText()).isEqualTo("USD");
        assertThat(event.getStringProperty("orderflowReplayOf")).isEqualTo(id);

        // Again: the message is gone, 404 JSON, nothing sent
        HttpResponse<String> again = post("/api/admin/review/messages/" + enc(id) + "/replay", "", OPERATOR);
        assertThat(again.statusCode()).isEqualTo(404);
        assertThat(json(again.body()).get("error").asText()).contains("no parked message");
        Thread.sleep(500);
        assertThat(broker.added("orderflow.order.events")).isEqualTo(eventsBefore + 1);
        assertThat(list("?orderKey=" + orderKey).get("count").asInt()).isZero();
    }

    /**
     * The stage-errors handling as a stage gets it: on the last attempt the message is parked on orderflow.dead-letter
     * with its attempts, failure times and the queue it came from; a replay sends it back there, and when it fails
     * again it is parked again with its first failure time kept and the replay counted.
     */
    @Test
    void aDeadLetteredMessageKeepsItsFirstFailureAcrossAReplay() throws Exception {
        String in = "orderflow.test.always-fails-" + run;
        camel.addRoutes(new org.apache.camel.builder.RouteBuilder() {
            @Override
            public void configure() {
                from("jms:queue:" + in + "?transacted=true").routeId("always-fails-" + run)
                        .routeConfigurationId("stage-errors")
                        .throwException(new IllegalStateException("the ERP said no (" + run + ")"));
            }
        });
        String key = "test-shopify:dead-" + run;
        jms.send(in, session -> {
            TextMessage m = session.createTextMessage("{\"dead\":true}");
            m.setStringProperty("orderKey", key);
            m.setStringProperty("orderflowDeliveryId", key);
            return m;
        });
        await(() -> list("?queue=dead-letter&orderKey=" + key).get("count").asInt() == 1);
        JsonNode first = list("?orderKey=" + key).get("messages").get(0);
        assertThat(first.get("queue").asText()).isEqualTo("dead-letter");
        assertThat(first.get("reason").asText()).isEqualTo("IllegalStateException: the ERP said no (" + run + ")");
        assertThat(first.get("stage").asText()).isEqualTo("always-fails-" + run);
        assertThat(first.get("replayQueue").asText()).isEqualTo(in);
        assertThat(first.get("attempts").asInt()).isEqualTo(3); // the test profile's max-delivery-attempts
        assertThat(first.get("replays").asInt()).isZero();
        String firstFailedAt = first.get("firstFailedAt").asText();
        OffsetDateTime.parse(firstFailedAt);

        Thread.sleep(20); // a later failure has a later time
        assertThat(post("/api/admin/review/messages/" + enc(first.get("messageId").asText()) + "/replay", "", OPERATOR)
                .statusCode()).isEqualTo(200);
        await(() -> {
            JsonNode again = list("?orderKey=" + key);
            return again.get("count").asInt() == 1 && again.get("messages").get(0).get("replays").asInt() == 1;
        });
        JsonNode second = list("?orderKey=" + key).get("messages").get(0);
        assertThat(second.get("messageId").asText()).isNotEqualTo(first.get("messageId").asText());
        assertThat(second.get("firstFailedAt").asText()).isEqualTo(firstFailedAt);
        assertThat(OffsetDateTime.parse(second.get("lastFailedAt").asText())).isAfter(OffsetDateTime.parse(firstFailedAt));
        camel.getRouteController().stopRoute("always-fails-" + run);
    }

    @Test
    void aSelectionAndAReasonAreReplayedOnceEvenWhenAskedTwice() throws Exception {
        String a = park("orderflow.review", "a", "UnknownSkuException: SKU-" + run + " unknown");
        String b = park("orderflow.review", "b", "UnknownSkuException: SKU-" + run + " unknown");
        String c = park("orderflow.dead-letter", "c", "ErpRejectedException: customer " + run + " blocked");
        String d = park("orderflow.dead-letter", "d", "ErpRejectedException: customer " + run + " blocked");
        long before = originDepth();

        JsonNode listed = list("?reason=" + run);
        assertThat(listed.get("count").asInt()).isEqualTo(4);
        assertThat(listed.get("messages").findValuesAsText("queue")).containsExactly("review", "review",
                "dead-letter", "dead-letter");
        assertThat(list("?queue=dead-letter&reason=" + run).get("count").asInt()).isEqualTo(2);
        assertThat(list("?reason=" + run + "&limit=1").get("more").asBoolean()).isTrue();

        String selection = "{\"messageIds\":[\"" + a + "\",\"" + c + "\"]}";
        JsonNode first = json(post("/api/admin/review/replay", selection, OPERATOR).body());
        assertThat(texts(first.get("replayed"))).containsExactly(a, c);
        JsonNode second = json(post("/api/admin/review/replay", selection, OPERATOR).body());
        assertThat(texts(second.get("replayed"))).isEmpty();
        assertThat(texts(second.get("notFound"))).containsExactly(a, c);
        assertThat(originDepth()).isEqualTo(before + 2);

        String byReason = "{\"reason\":\"customer " + run + " blocked\"}";
        assertThat(texts(json(post("/api/admin/review/replay", byReason, OPERATOR).body()).get("replayed")))
                .containsExactly(d);
        assertThat(texts(json(post("/api/admin/review/replay", byReason, OPERATOR).body()).get("replayed"))).isEmpty();
        assertThat(originDepth()).isEqualTo(before + 3);
        assertThat(list("?reason=" + run).get("messages").findValuesAsText("messageId")).containsExactly(b);

        // A replayed copy: fresh duplicate id, its first failure time kept, counted as a replay
        jms.setReceiveTimeout(5000);
        Message copy = jms.receiveSelected(ORIGIN, "orderflowReplayOf = '" + c + "'");
        assertThat(copy.getStringProperty("orderflowFirstFailedAt")).isEqualTo("2026-01-02T03:04:05.000Z");
        assertThat(copy.getIntProperty("orderflowReplays")).isEqualTo(1);
        assertThat(copy.getStringProperty("orderflowDeliveryId")).contains("#replay-");

        // One without an origin queue stays parked: 409, twice, and still listed
        jms.send("orderflow.dead-letter", session -> {
            TextMessage parked = session.createTextMessage("{}");
            parked.setStringProperty("orderKey", "test-shopify:api-" + run + "-orphan");
            parked.setStringProperty("orderflowReason", "orphan " + run);
            return parked;
        });
        await(() -> list("?reason=orphan%20" + run).get("count").asInt() == 1);
        String orphan = list("?reason=orphan%20" + run).get("messages").get(0).get("messageId").asText();
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> refused = post("/api/admin/review/messages/" + enc(orphan) + "/replay", "", OPERATOR);
            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(json(refused.body()).get("error").asText()).contains("move it by hand");
        }
        assertThat(texts(json(post("/api/admin/review/replay", "{\"reason\":\"orphan " + run + "\"}", OPERATOR).body())
                .get("notReplayable"))).containsExactly(orphan);
        assertThat(list("?reason=orphan%20" + run).get("count").asInt()).isEqualTo(1);

        assertThat(post("/api/admin/review/replay", "{}", OPERATOR).statusCode()).isEqualTo(400);
        assertThat(post("/api/admin/review/replay", "not json", OPERATOR).statusCode()).isEqualTo(400);
    }

    @Test
    void aDiscardIsRecordedWithItsReasonAndASecondDiscardChangesNothing() throws Exception {
        String id = park("orderflow.dead-letter", "x", "ErpRejectedException: test order " + run);
        long discardedBefore = broker.depth("orderflow.review.discarded");
        String path = "/api/admin/review/messages/" + enc(id) + "/discard";

        assertThat(post(path, "{}", OPERATOR).statusCode()).isEqualTo(400); // a discard needs a reason
        HttpResponse<String> discarded = post(path, "{\"reason\":\"test order, never shipped (" + run + ")\"}", OPERATOR);
        assertThat(discarded.statusCode()).as(discarded.body()).isEqualTo(200);
        HttpResponse<String> again = post(path, "{\"reason\":\"again\"}", OPERATOR);
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(json(again.body()).get("error").asText()).isEqualTo("already discarded");
        assertThat(broker.depth("orderflow.review.discarded")).isEqualTo(discardedBefore + 1);
        assertThat(list("?reason=" + run).get("count").asInt()).isZero();

        JsonNode record = json(get("/api/admin/review/messages?queue=discarded&reason=" + run, OPERATOR).body())
                .get("messages").get(0);
        assertThat(record.get("messageId").asText()).isEqualTo(id);
        assertThat(record.get("discardReason").asText()).isEqualTo("test order, never shipped (" + run + ")");
        assertThat(record.get("discardedBy").asText()).isEqualTo("admin");
        assertThat(record.get("discardedFrom").asText()).isEqualTo("orderflow.dead-letter");
        assertThat(record.get("payload").asText()).isEqualTo("{\"id\":\"x\"}");
        OffsetDateTime.parse(record.get("discardedAt").asText());

        // A discarded message is not replayed; an unknown one is 404
        assertThat(post("/api/admin/review/messages/" + enc(id) + "/replay", "", OPERATOR).statusCode()).isEqualTo(409);
        assertThat(post("/api/admin/review/messages/ID:no-such-" + run + "/discard", "{\"reason\":\"r\"}", OPERATOR)
                .statusCode()).isEqualTo(404);
        assertThat(get("/api/admin/review/messages/ID:no-such-" + run, OPERATOR).statusCode()).isEqualTo(404);
        assertThat(broker.depth("orderflow.review.discarded")).isEqualTo(discardedBefore + 1);
    }

    @Test
    void theViewerReadsButCannotActAndAnonymousGetsNothing() throws Exception {
        String id = park("orderflow.review", "v", "UnknownSkuException: viewer " + run);
        assertThat(get("/api/admin/review/messages?reason=" + run, VIEWER).statusCode()).isEqualTo(200);
        assertThat(get("/admin/queues", VIEWER).statusCode()).isEqualTo(200);
        for (HttpResponse<String> refused : List.of(
                post("/api/admin/review/messages/" + enc(id) + "/replay", "", VIEWER),
                post("/api/admin/review/messages/" + enc(id) + "/discard", "{\"reason\":\"r\"}", VIEWER),
                post("/api/admin/review/replay", "{\"reason\":\"" + run + "\"}", VIEWER),
                post("/admin/review/replay", "", VIEWER))) {
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(json(refused.body()).get("error").asText()).isEqualTo("forbidden");
        }
        assertThat(get("/api/admin/review/messages", null).statusCode()).isEqualTo(401);
        assertThat(post("/api/admin/review/messages/" + enc(id) + "/replay", "", null).statusCode()).isEqualTo(401);
        assertThat(get("/api/admin/review/messages", "auditor:wrong").statusCode()).isEqualTo(401);
        assertThat(list("?reason=" + run).get("messages").findValuesAsText("messageId")).containsExactly(id);
    }

    @Test
    void noAnswerEchoesTheRequest() throws Exception {
        String id = park("orderflow.review", "e", "UnknownSkuException: echo " + run);
        String marker = "echo-marker-" + run;
        List<String[]> calls = List.of(
                new String[] {"GET", "/api/admin/review/messages?reason=" + run},
                new String[] {"GET", "/api/admin/review/messages/ID:" + marker},
                new String[] {"GET", "/api/admin/review/messages?queue=" + marker},
                new String[] {"POST", "/api/admin/review/messages/ID:" + marker + "/replay"},
                new String[] {"POST", "/api/admin/review/messages/ID:" + marker + "/discard"},
                new String[] {"POST", "/api/admin/review/replay"},
                new String[] {"DELETE", "/api/admin/review/messages/" + enc(id)});
        for (String credentials : new String[] {OPERATOR, VIEWER, "admin:wrong-" + marker, null}) {
            for (String[] call : calls) {
                Map<String, String> headers = new LinkedHashMap<>();
                if (credentials != null) {
                    headers.put("Authorization", basic(credentials));
                }
                headers.put("Cookie", "session=" + marker);
                headers.put("X-Probe", marker);
                HttpResponse<String> response = send(call[0], call[1], "{\"reason\":\"" + marker + "\"}", headers);
                String what = call[0] + " " + call[1] + " as " + credentials + " -> " + response.statusCode();
                assertThat(response.statusCode()).as(what).isBetween(200, 499);
                response.headers().map().forEach((name, values) -> {
                    assertThat(name.toLowerCase(Locale.ROOT)).as(what).isNotIn("authorization", "cookie", "x-probe");
                    assertThat(String.join(",", values)).as(what).doesNotContain(marker).doesNotContain("test-admin-password");
                });
                assertThat(response.headers().firstValue("Content-Type").orElse("application/json")).as(what)
                        .startsWith("application/json");
                assertThat(response.body()).as(what).doesNotContain(marker).doesNotContainIgnoringCase("<html")
                        .doesNotContain("test-admin-password");
            }
        }
        assertThat(list("?reason=" + run).get("count").asInt()).isEqualTo(1); // nothing was acted on
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    /** Parks a message as the error handling does and returns its JMS message id. */
    private String park(String queue, String id, String reason) throws Exception {
        String key = "test-shopify:api-" + run + "-" + id;
        jms.send(queue, session -> {
            TextMessage parked = session.createTextMessage("{\"id\":\"" + id + "\"}");
            parked.setStringProperty("orderflowReplayQueue", ORIGIN);
            parked.setStringProperty("orderflowDeliveryId", key);
            parked.setStringProperty("orderKey", key);
            parked.setStringProperty("orderflowReason", reason);
            parked.setStringProperty("orderflowFailedRoute", "erp-stage");
            parked.setStringProperty("orderflowAttempts", "3");
            parked.setStringProperty("orderflowFirstFailedAt", "2026-01-02T03:04:05.000Z");
            parked.setStringProperty("orderflowLastFailedAt", "2026-01-02T04:04:05.000Z");
            return parked;
        });
        await(() -> list("?orderKey=" + key).get("count").asInt() == 1);
        JsonNode listed = list("?orderKey=" + key).get("messages").get(0);
        assertThat(listed.get("attempts").asInt()).isEqualTo(3);
        assertThat(listed.get("stage").asText()).isEqualTo("erp-stage");
        assertThat(listed.get("firstFailedAt").asText()).isEqualTo("2026-01-02T03:04:05.000Z");
        assertThat(listed.get("lastFailedAt").asText()).isEqualTo("2026-01-02T04:04:05.000Z");
        return listed.get("messageId").asText();
    }

    private long originDepth() {
        try {
            return broker.depth(ORIGIN);
        } catch (IllegalStateException noQueueYet) {
            return 0;
        }
    }

    private JsonNode list(String query) {
        HttpResponse<String> response = get("/api/admin/review/messages" + query, OPERATOR);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response.body());
    }

    private static List<String> texts(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    private HttpResponse<String> get(String path, String credentials) {
        return send("GET", path, null, credentials == null ? Map.of() : Map.of("Authorization", basic(credentials)));
    }

    private HttpResponse<String> post(String path, String body, String credentials) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/x-www-form-urlencoded"); // what curl -d sends: the body is read as bytes
        if (credentials != null) {
            headers.put("Authorization", basic(credentials));
        }
        return send("POST", path, body, headers);
    }

    private HttpResponse<String> send(String method, String path, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, body == null || method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    private static void await(java.util.function.BooleanSupplier condition) {
        io.orderflow.support.MappingsCopy.await(condition);
    }

    private static Path copyOfMappings() {
        return io.orderflow.support.MappingsCopy.create();
    }

    @AfterAll
    static void cleanUp() throws IOException {
        io.orderflow.support.MappingsCopy.delete(MAPPINGS);
    }
}

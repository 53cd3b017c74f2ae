package io.orderflow.status;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.orderflow.support.Webhooks.fixture;
import static io.orderflow.support.Webhooks.hmacBase64;
import static io.orderflow.support.Webhooks.shopifyHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderflow.OrderflowApplication;
import io.orderflow.support.Broker;
import io.orderflow.support.Queues;
import io.orderflow.support.Webhooks;
import jakarta.mail.internet.MimeMessage;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jms.core.JmsTemplate;

/**
 * Order status and timeline over the real flow: signed Shopify and Stripe webhooks, the payment gate (shop API on
 * WireMock), the ERP stage against a WireMock ERPNext, the notify stage mailing to GreenMail; then the status API
 * over HTTP with Basic authentication. The application is started here (not by the Spring test runner) so that the
 * last test can stop it and start it again on the same broker data.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OrderStatusTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final String SHOPIFY_GRAPHQL = "/admin/api/2025-10/graphql.json";
    static final String VIEWER = "viewer:viewer-test-password";
    static final WireMockServer SHOP = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final WireMockServer ERPNEXT = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final int SMTP_PORT = freePort();
    static GreenMail mail;
    static Path dataDir;
    static ConfigurableApplicationContext app;

    static final String PAID = "7300000000001";
    static final String MISMATCH = "7300000000002";
    static final String ORPHAN_PAYMENT = "7300000000003";

    @BeforeAll
    static void start() throws IOException {
        SHOP.start();
        ERPNEXT.start();
        mail = new GreenMail(new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        dataDir = Files.createTempDirectory("orderflow-status-test");
        // The shop knows no order but those stubbed per test (a payment for an order no shop announced).
        SHOP.stubFor(post(urlEqualTo(SHOPIFY_GRAPHQL)).atPriority(10).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"data\":{\"order\":null}}")));
        erpnextWithStock();
        app = startApp();
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        mail.stop();
        SHOP.stop();
        ERPNEXT.stop();
        org.springframework.util.FileSystemUtils.deleteRecursively(dataDir.toFile());
    }

    static ConfigurableApplicationContext startApp() {
        return new SpringApplicationBuilder(OrderflowApplication.class).profiles("test").run(
                "--server.port=0", "--orderflow.data-dir=" + dataDir, "--spring.artemis.embedded.server-id=41",
                "--orderflow.gate.recheck-interval=2s",
                "--orderflow.channels.test-shopify.api.base-url=" + SHOP.baseUrl(),
                "--orderflow.channels.test-shopify.api.access-token=shpat_test_token",
                "--orderflow.erp.kind=erpnext", "--orderflow.erp.url=" + ERPNEXT.baseUrl(),
                "--orderflow.erp.erpnext.api-key=erp-key", "--orderflow.erp.erpnext.api-secret=erp-secret",
                "--orderflow.erp.erpnext.company=Demo Shop Ltd", "--orderflow.erp.erpnext.warehouse=Stores - DS",
                "--orderflow.notifications.email.host=127.0.0.1", "--orderflow.notifications.email.port=" + SMTP_PORT,
                "--orderflow.notifications.email.start-tls=false",
                "--orderflow.notifications.email.from=Demo Shop <orders@demo-shop.example>",
                "--orderflow.security.viewer.password=viewer-test-password",
                "--orderflow.status.stuck-check-interval=1s",
                "--orderflow.status.stuck-after-stage.payment-without-order=2s",
                "--orderflow.alerts.email=ops@demo-shop.example", "--orderflow.alerts.batch-interval=1s");
    }

    @Test
    @Order(1)
    void aPaidOrderShowsEveryStageInOrderWithIsoTimesAndRepeatsAddNothing() throws Exception {
        String key = "test-shopify:" + PAID;
        ObjectNode order = shopifyOrder(PAID, "pending", "20.00");
        // The same webhook three times (Shopify's retries carry the same webhook id).
        for (int i = 0; i < 3; i++) {
            assertThat(postShopify(order, "orders/create", "evt-" + PAID)).isEqualTo(200);
        }
        awaitStatus(key, s -> "received".equals(s.path("stage").asText()));
        assertThat(postStripe(stripeSucceeded(PAID, 2000))).isEqualTo(200);

        JsonNode status = awaitStatus(key, s -> "allocated".equals(s.path("stage").asText())
                && s.path("notifications").size() == 1);
        assertThat(status.path("orderKey").asText()).isEqualTo(key);
        assertThat(status.path("channel").asText()).isEqualTo("test-shopify");
        assertThat(status.path("details").path("erpOrderId").asText()).isEqualTo("SAL-ORD-2026-00031");
        assertThat(status.path("details").path("erpReference").asText()).isEqualTo("test-shopify-1001");
        assertThat(status.path("notifications").get(0).path("template").asText()).isEqualTo("order-confirmed");
        assertThat(stages(status)).containsExactly("received", "payment-received", "released", "allocated",
                "notification-sent");
        assertIsoAndOrdered(status);
        assertThat(status.path("timeline").get(0).path("fields").path("topic").asText()).isEqualTo("orders/create");
        Instant.parse(status.path("receivedAt").asText());
        Instant.parse(status.path("stageSince").asText());

        // The same through the URL-encoded key: ':' as %3A.
        HttpResponse<String> encoded = api("/api/orders/" + URLEncoder.encode(key, StandardCharsets.UTF_8), VIEWER);
        assertThat(encoded.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(encoded.body()).path("timeline")).isEqualTo(status.path("timeline"));

        // Kept on the broker: one message for the order on its status queue, expiring after the active retention (90d).
        assertThat(Queues.browse(jms(), OrderStatusStore.queueOf(key), key)).hasSize(1);
        long expiration = Queues.browse(jms(), OrderStatusStore.queueOf(key), key).get(0).getJMSExpiration();
        assertThat(expiration).isBetween(System.currentTimeMillis() + java.time.Duration.ofDays(89).toMillis(),
                System.currentTimeMillis() + java.time.Duration.ofDays(90).toMillis());

        // KPIs: webhook -> ERP confirmed, time waiting for payment, tagged by channel.
        MeterRegistry meters = app.getBean(MeterRegistry.class);
        assertThat(meters.get("orderflow.order.processing.time").tag("channel", "test-shopify").tag("stage", "allocated")
                .timer().count()).isEqualTo(1);
        assertThat(meters.get("orderflow.order.payment.wait").tag("channel", "test-shopify").timer().count()).isEqualTo(1);
        assertThat(meters.get("orderflow.orders.received").tag("channel", "test-shopify").counter().count()).isEqualTo(1.0);

        // A replay of the release (fresh broker duplicate id, same delivery: what the review replay does) and a
        // status event sent again under a fresh broker duplicate id add no second entry.
        ERPNEXT.stubFor(get(urlPathEqualTo("/api/resource/Sales%20Order")).atPriority(1).willReturn(
                data("[{\"name\":\"SAL-ORD-2026-00031\",\"docstatus\":1}]")));
        replayReleaseAndStatus(key);
        Thread.sleep(2000);
        awaitQuiet();
        // The replay did go through the ERP stage (found the order, sent allocated again), and added no entry.
        assertThat(Queues.browse(jms(), "orderflow.allocated", key)).hasSize(2);
        JsonNode after = status(key);
        assertThat(stages(after)).containsExactly("received", "payment-received", "released", "allocated",
                "notification-sent");
        assertThat(after.path("timeline")).isEqualTo(status.path("timeline"));
        ERPNEXT.verify(1, postRequestedFor(urlEqualTo("/api/resource/Sales%20Order")));
        assertThat(mailsTo("bob.norman@hostmail.com")).hasSize(1);
    }

    @Test
    @Order(2)
    void anOrderParkedForReviewIsListedUnderItsStageWithReasonAndAge() throws Exception {
        String key = "test-shopify:" + MISMATCH;
        assertThat(postShopify(shopifyOrder(MISMATCH, "pending", "20.00"), "orders/create", "evt-" + MISMATCH)).isEqualTo(200);
        // Paid more than the order's total: an amount mismatch, parked by the payment gate.
        assertThat(postStripe(stripeSucceeded(MISMATCH, 2500))).isEqualTo(200);
        JsonNode status = awaitStatus(key, s -> "review".equals(s.path("stage").asText()));
        assertThat(status.path("reason").asText()).contains("mismatch");
        assertThat(status.path("reviewReasons")).hasSize(1);
        assertThat(stages(status)).containsExactly("received", "payment-received", "review");

        HttpResponse<String> listing = api("/api/orders?stage=review", VIEWER);
        assertThat(listing.statusCode()).isEqualTo(200);
        JsonNode orders = JSON.readTree(listing.body()).path("orders");
        JsonNode listed = null;
        for (JsonNode o : orders) {
            if (o.path("orderKey").asText().equals(key)) {
                listed = o;
            }
        }
        assertThat(listed).as("listed under review: " + listing.body()).isNotNull();
        assertThat(listed.path("reason").asText()).contains("mismatch");
        assertThat(listed.path("ageSeconds").asLong()).isGreaterThanOrEqualTo(0);
        Instant.parse(listed.path("since").asText());
        for (JsonNode o : orders) {
            assertThat(o.path("stage").asText()).isEqualTo("review");
        }
        // The allocated order is not listed under review, but under allocated.
        assertThat(listing.body()).doesNotContain(PAID);
        assertThat(api("/api/orders?stage=allocated", VIEWER).body()).contains("test-shopify:" + PAID);
        assertThat(app.getBean(MeterRegistry.class).get("orderflow.orders.parked").tag("stage", "review")
                .counter().count()).isEqualTo(1.0);
    }

    @Test
    @Order(3)
    void aPaymentForAnOrderNoShopAnnouncedIsVisibleAndRaisesOneStuckAlert() throws Exception {
        String key = "test-shopify:" + ORPHAN_PAYMENT;
        assertThat(postStripe(stripeSucceeded(ORPHAN_PAYMENT, 990))).isEqualTo(200);
        JsonNode status = awaitStatus(key, s -> "payment-without-order".equals(s.path("stage").asText()));
        assertThat(stages(status)).startsWith("payment-received");
        assertThat(api("/api/orders?stage=payment-without-order", VIEWER).body()).contains(key);

        // Stuck after 2 s at payment-without-order: one alert (counter, timeline entry, one line in the batched ops
        // alert mail), not again.
        JsonNode alerted = awaitStatus(key, s -> s.path("alerts").size() == 1);
        assertThat(alerted.path("alerts").get(0).asText()).startsWith("payment-without-order@");
        for (int i = 0; i < 150 && stuckAlertLines(key).isEmpty(); i++) {
            Thread.sleep(100);
        }
        assertThat(stuckAlertLines(key)).hasSize(1).allMatch(l -> l.contains("stuck at payment-without-order since"));
        assertThat(mailsTo("ops@demo-shop.example")).anyMatch(m -> {
            try {
                return m.getSubject().startsWith("orderflow: ") && m.getSubject().contains(" stuck)")
                        && ((String) m.getContent()).contains(key);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(3500);   // three more checks
        MeterRegistry meters = app.getBean(MeterRegistry.class);
        assertThat(meters.get("orderflow.orders.stuck").tag("stage", "payment-without-order").counter().count())
                .isEqualTo(1.0);
        assertThat(stuckAlertLines(key)).hasSize(1);
        assertThat(stages(status(key)).stream().filter("stuck-alert"::equals).count()).isEqualTo(1);
        // The gate does not re-check it for ever: the unpaid deadline parks it (orderflow.gate.unpaid-deadline).
    }

    @Test
    @Order(4)
    void unknownOrdersAnswer404AnonymousCallers401AndNothingOfTheRequestIsEchoed() throws Exception {
        HttpResponse<String> unknown = api("/api/orders/" + URLEncoder.encode("test-shopify:7399999999999",
                StandardCharsets.UTF_8), VIEWER);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).doesNotContain("7399999999999");
        // Markup in the key: refused before the controller or 404, never echoed.
        HttpResponse<String> markup = api("/api/orders/" + URLEncoder.encode("test-shopify:<b>999</b>",
                StandardCharsets.UTF_8), VIEWER);
        assertThat(markup.statusCode()).isIn(400, 404);
        assertThat(markup.body()).doesNotContain("999").doesNotContain("<b>");
        assertThat(unknown.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(JSON.readTree(unknown.body()).path("error").asText()).isNotBlank();
        assertThat(api("/api/orders/nope:1", VIEWER).statusCode()).isEqualTo(404);
        HttpResponse<String> badStage = api("/api/orders?stage=%3Cscript%3E", VIEWER);
        assertThat(badStage.statusCode()).isEqualTo(400);
        assertThat(badStage.body()).doesNotContain("script");

        assertThat(api("/api/orders/test-shopify:" + PAID, null).statusCode()).isEqualTo(401);
        assertThat(api("/api/orders?stage=review", null).statusCode()).isEqualTo(401);
        assertThat(api("/api/orders/test-shopify:" + PAID, "viewer:wrong").statusCode()).isEqualTo(401);
        // The raw ':' form works too.
        assertThat(api("/api/orders/test-shopify:" + PAID, VIEWER).statusCode()).isEqualTo(200);
    }

    @Test
    @Order(5)
    void anExpiredStatusIsDiscardedNotMovedToTheExpiryQueue() throws Exception {
        String key = "test-shopify:7300000000099";
        String queue = OrderStatusStore.queueOf(key);
        Broker broker = new Broker(app.getBean(EmbeddedActiveMQ.class));
        long expiredBefore = broker.added("orderflow.expired");
        JmsTemplate shortLived = new JmsTemplate(app.getBean(jakarta.jms.ConnectionFactory.class));
        shortLived.setExplicitQosEnabled(true);
        shortLived.setTimeToLive(3000);
        shortLived.send(queue, session -> {
            var message = session.createTextMessage("{\"orderKey\":\"" + key + "\",\"stage\":\"received\",\"timeline\":[]}");
            message.setStringProperty("orderKey", key);
            return message;
        });
        HttpResponse<String> before = api("/api/orders/" + key, VIEWER);
        assertThat(before.statusCode()).as(before.body()).isEqualTo(200);
        Thread.sleep(3500);
        // Gone once expired (a browse does not deliver an expired message), and not moved to orderflow.expired.
        for (int i = 0; i < 100 && api("/api/orders/" + key, VIEWER).statusCode() != 404; i++) {
            Thread.sleep(100);
        }
        assertThat(api("/api/orders/" + key, VIEWER).statusCode()).isEqualTo(404);
        assertThat(broker.added("orderflow.expired")).isEqualTo(expiredBefore);
    }

    @Test
    @Order(6)
    void theTimelinesSurviveARestartAndNoAlertIsRaisedAgain() throws Exception {
        JsonNode paid = status("test-shopify:" + PAID);
        JsonNode orphan = status("test-shopify:" + ORPHAN_PAYMENT);
        List<String> stuckLinesBefore = stuckAlertLines("");
        assertThat(stuckAlertLines("test-shopify:" + ORPHAN_PAYMENT)).hasSize(1);
        app.close();
        app = startApp();
        assertThat(status("test-shopify:" + PAID)).isEqualTo(paid);
        Thread.sleep(3500);   // stuck checks after the restart
        assertThat(app.getBean(MeterRegistry.class).find("orderflow.orders.stuck").counter()).isNull();
        // No stuck alert mailed again (the ops mails may list other alerts, e.g. the gate parking an order).
        assertThat(stuckAlertLines("")).isEqualTo(stuckLinesBefore);
        assertThat(stuckAlertLines("test-shopify:" + ORPHAN_PAYMENT)).hasSize(1);
        JsonNode orphanAfter = status("test-shopify:" + ORPHAN_PAYMENT);
        assertThat(orphanAfter.path("alerts")).isEqualTo(orphan.path("alerts"));
    }

    // --- the flow ---

    static ObjectNode shopifyOrder(String id, String financialStatus, String total) {
        ObjectNode order = (ObjectNode) read(fixture("shopify-orders-create.json"));
        order.put("id", Long.parseLong(id)).put("financial_status", financialStatus)
                .put("updated_at", "2026-11-28T10:00:00Z").put("total_price", total).put("subtotal_price", total)
                .put("total_tax", "0.00");
        ArrayNode lines = (ArrayNode) order.get("line_items");
        ObjectNode line = (ObjectNode) lines.get(0);
        line.put("quantity", 1).put("price", total);
        lines.removeAll();
        lines.add(line);
        return order;
    }

    static int postShopify(JsonNode order, String topic, String eventId) throws IOException {
        byte[] body = JSON.writeValueAsBytes(order);
        return Webhooks.post(port(), "/webhooks/shop/test-shopify", body,
                shopifyHeaders(topic, eventId, hmacBase64("shpss_test_client_secret", body))).statusCode();
    }

    static ObjectNode stripeSucceeded(String orderId, long amountMinor) {
        ObjectNode event = JSON.createObjectNode().put("id", "evt_" + UUID.randomUUID().toString().replace("-", ""))
                .put("object", "event").put("type", "payment_intent.succeeded").put("created", System.currentTimeMillis() / 1000);
        ObjectNode intent = event.putObject("data").putObject("object").put("id", "pi_" + orderId)
                .put("object", "payment_intent").put("amount", amountMinor).put("amount_received", amountMinor)
                .put("currency", "usd").put("status", "succeeded");
        intent.putObject("metadata").put("order_id", orderId);
        return event;
    }

    /** Signed as Stripe signs (t.body, HMAC-SHA256 hex), computed here independently of the production code. */
    static int postStripe(JsonNode event) throws Exception {
        byte[] body = JSON.writeValueAsBytes(event);
        long t = System.currentTimeMillis() / 1000;
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("whsec_test_secret_for_fixtures".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
        String v1 = HexFormat.of().formatHex(mac.doFinal(body));
        return Webhooks.post(port(), "/webhooks/payment/stripe", body,
                Map.of("Content-Type", "application/json; charset=utf-8", "Stripe-Signature", "t=" + t + ",v1=" + v1))
                .statusCode();
    }

    /**
     * The release message sent again as a replay from review does (the ERP stage finds its order and emits allocated
     * again), and the allocated status event again under a fresh broker id.
     */
    static void replayReleaseAndStatus(String key) throws Exception {
        JmsTemplate jms = jms();
        // The allocated event as it went to orderflow.allocated carries the delivery id the ERP stage derived its
        // outputs from; its order is the release body.
        var allocated = Queues.browse(jms, "orderflow.allocated", key);
        assertThat(allocated).hasSize(1);
        String deliveryId = allocated.get(0).getStringProperty("orderflowDeliveryId");
        String releaseBody = JSON.readTree(allocated.get(0).getText()).path("order").toString();
        jms.send("orderflow.release", session -> {
            var message = session.createTextMessage(releaseBody);
            message.setStringProperty("orderKey", key);
            message.setStringProperty("JMSXGroupID", key);
            // As ReviewReplayer does: a fresh delivery id, which is also the broker duplicate id.
            String replayId = deliveryId + "#replay-" + UUID.randomUUID();
            message.setStringProperty("orderflowDeliveryId", replayId);
            message.setStringProperty("_AMQ_DUPL_ID", replayId);
            return message;
        });
        JsonNode entry = null;
        for (JsonNode e : status(key).path("timeline")) {
            if (e.path("stage").asText().equals("allocated")) {
                entry = e;
            }
        }
        ObjectNode event = JSON.createObjectNode().put("eventId", entry.path("eventId").asText()).put("orderKey", key)
                .put("channel", "test-shopify").put("stage", "allocated").put("type", "progress")
                .put("at", Instant.now().toString());
        jms.send("orderflow.status.events", session -> {
            var message = session.createTextMessage(event.toString());
            message.setStringProperty("orderKey", key);
            message.setStringProperty("JMSXGroupID", key);
            message.setStringProperty("_AMQ_DUPL_ID", "again:" + UUID.randomUUID());
            return message;
        });
    }

    static void awaitQuiet() throws InterruptedException {
        Broker broker = new Broker(app.getBean(EmbeddedActiveMQ.class));
        for (int i = 0; i < 300; i++) {
            long pending = 0;
            for (String q : List.of("orderflow.intake.shop", "orderflow.intake.payment", "orderflow.release",
                    "orderflow.notify.requests", "orderflow.status.events")) {
                pending += broker.depth(q) - broker.queue(q).getScheduledCount();
            }
            if (pending == 0) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the flow did not settle in 15 s");
    }

    // --- the status API ---

    static JsonNode status(String key) throws IOException, InterruptedException {
        HttpResponse<String> answer = api("/api/orders/" + key, VIEWER);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    static JsonNode awaitStatus(String key, Predicate<JsonNode> condition) throws Exception {
        JsonNode last = null;
        for (int i = 0; i < 300; i++) {
            HttpResponse<String> answer = api("/api/orders/" + key, VIEWER);
            if (answer.statusCode() == 200) {
                last = JSON.readTree(answer.body());
                if (condition.test(last)) {
                    return last;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("status of " + key + " never as expected; last: " + last);
    }

    static HttpResponse<String> api(String path, String credentials) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path)).GET();
        if (credentials != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static List<String> stages(JsonNode status) {
        List<String> stages = new ArrayList<>();
        status.path("timeline").forEach(e -> stages.add(e.path("stage").asText()));
        return stages;
    }

    static void assertIsoAndOrdered(JsonNode status) {
        Instant previous = Instant.EPOCH;
        for (JsonNode entry : status.path("timeline")) {
            Instant at = Instant.parse(entry.path("at").asText());
            assertThat(entry.path("at").asText()).endsWith("Z");
            assertThat(at).isAfterOrEqualTo(previous);
            previous = at;
        }
    }

    // --- the far ends ---

    static void erpnextWithStock() {
        list("Sales%20Order", "[]");
        list("Customer", "[]");
        list("Item", "[{\"item_code\":\"IPOD2008GREEN\"}]");
        list("Bin", "[{\"item_code\":\"IPOD2008GREEN\",\"actual_qty\":5,\"reserved_qty\":0}]");
        ERPNEXT.stubFor(post(urlEqualTo("/api/resource/Customer")).willReturn(data("{\"name\":\"Bob Norman\"}")));
        ERPNEXT.stubFor(post(urlEqualTo("/api/resource/Address")).willReturn(data("{\"name\":\"Bob Norman-Billing\"}")));
        ERPNEXT.stubFor(post(urlEqualTo("/api/resource/Sales%20Order"))
                .willReturn(data("{\"name\":\"SAL-ORD-2026-00031\",\"docstatus\":0}")));
        ERPNEXT.stubFor(put(urlEqualTo("/api/resource/Sales%20Order/SAL-ORD-2026-00031"))
                .willReturn(data("{\"name\":\"SAL-ORD-2026-00031\",\"docstatus\":1}")));
        ERPNEXT.stubFor(get(urlEqualTo("/api/resource/Sales%20Order/SAL-ORD-2026-00031"))
                .willReturn(data("{\"name\":\"SAL-ORD-2026-00031\",\"docstatus\":0,\"grand_total\":20.0}")));
    }

    static void list(String doctype, String rows) {
        ERPNEXT.stubFor(get(urlPathEqualTo("/api/resource/" + doctype)).willReturn(data(rows)));
    }

    static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder data(String data) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("{\"data\":" + data + "}");
    }

    static List<MimeMessage> mailsTo(String address) throws Exception {
        List<MimeMessage> found = new ArrayList<>();
        for (MimeMessage m : mail.getReceivedMessages()) {
            for (var to : m.getAllRecipients()) {
                if (to.toString().contains(address)) {
                    found.add(m);
                }
            }
        }
        return found;
    }

    /**
     * The stuck lines about this order ("": any order) in the ops alert mails (one line per alert: time, kind, order
     * key, reason).
     */
    static List<String> stuckAlertLines(String orderKey) throws Exception {
        List<String> lines = new ArrayList<>();
        for (MimeMessage m : mailsTo("ops@demo-shop.example")) {
            ((String) m.getContent()).lines().filter(l -> l.contains("  stuck  " + orderKey)
                    && (orderKey.isEmpty() || l.contains("  stuck  " + orderKey + "  "))).forEach(lines::add);
        }
        return lines;
    }

    static MimeMessage awaitMail(String address) throws Exception {
        for (int i = 0; i < 150; i++) {
            List<MimeMessage> found = mailsTo(address);
            if (!found.isEmpty()) {
                return found.get(0);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no mail to " + address);
    }

    static int port() {
        return Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
    }

    static JmsTemplate jms() {
        return app.getBean(JmsTemplate.class);
    }

    static JsonNode read(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

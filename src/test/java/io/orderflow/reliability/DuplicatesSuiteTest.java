package io.orderflow.reliability;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.orderflow.support.Webhooks.fixture;
import static io.orderflow.support.Webhooks.hmacBase64;
import static io.orderflow.support.Webhooks.shopifyHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.orderflow.support.Broker;
import jakarta.mail.internet.MimeMessage;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Issue 12, suite 3 (duplicates and order), in one JVM: every webhook of a set of orders delivered three times (once,
 * then twice at the same moment from two threads), the Shopify events of one order shuffled (orders/paid before
 * orders/create, orders/updated in between), Stripe payments for authorized orders, and an order parked for an
 * unknown SKU replayed twice after the SKU exists. Effects counted at the far end: exactly one ERPNext sales order
 * (a WireMock ERPNext that remembers what it was given, ErpNextState) and one order-confirmed mail (GreenMail) per
 * order; the broker's counters show each distinct delivery stored once.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"orderflow.data-dir=target/test-data/duplicates-${random.uuid}", "spring.artemis.embedded.server-id=49",
                "orderflow.erp.kind=erpnext", "orderflow.erp.erpnext.api-key=erp-key",
                "orderflow.erp.erpnext.api-secret=erp-secret", "orderflow.erp.erpnext.company=Demo Shop Ltd",
                "orderflow.erp.erpnext.warehouse=Stores - DS", "orderflow.erp.charges.shipping-account=Freight - DS",
                "orderflow.notifications.shop-name=Demo Shop", "orderflow.notifications.email.host=127.0.0.1",
                "orderflow.notifications.email.start-tls=false",
                "orderflow.notifications.email.from=Demo Shop <orders@demo-shop.example>"})
@ActiveProfiles("test")
class DuplicatesSuiteTest {

    static final String SHOPIFY_SECRET = "shpss_test_client_secret";
    static final String STRIPE_SECRET = "whsec_test_secret_for_fixtures";
    static final String OPERATOR = "Basic " + Base64.getEncoder().encodeToString("admin:test-admin-password"
            .getBytes(StandardCharsets.UTF_8));
    static final ObjectMapper JSON = new ObjectMapper();
    static final int ORDERS = 9;
    static final long FIRST = 8_000_000 + System.currentTimeMillis() / 1000 % 100_000 * 100;
    static final int SMTP_PORT = freePort();
    static final WireMockServer ERP = new WireMockServer(WireMockConfiguration.options().dynamicPort()
            .extensions(new ErpNextState(Map.of("test-shopify-", new BigDecimal("597.00")))));
    static final GreenMail SMTP = new GreenMail(new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

    static {
        ERP.start();
        SMTP.start();
        ERP.stubFor(any(urlPathMatching("/api/resource/Sales%20Order.*")).willReturn(aResponse()
                .withTransformers(ErpNextState.NAME)));
        ERP.stubFor(get(urlPathEqualTo("/api/resource/Customer")).willReturn(data("[{\"name\":\"Bob Norman\"}]")));
        items("");
    }

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
        registry.add("orderflow.erp.url", ERP::baseUrl);
        registry.add("orderflow.notifications.email.port", () -> SMTP_PORT);
    }

    @AfterAll
    static void stop() {
        ERP.stop();
        SMTP.stop();
    }

    @LocalServerPort
    int port;
    @Autowired
    EmbeddedActiveMQ embedded;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final Random random = new Random(FIRST);

    record Delivery(String path, byte[] body, Map<String, String> headers) {
    }

    @Test
    void everyWebhookThreeTimesShuffledAndReplayedMakesOneErpOrderAndOneMailPerOrder() throws Exception {
        Broker broker = new Broker(embedded);
        long shopBefore = broker.added("orderflow.intake.shop");
        long paymentBefore = broker.added("orderflow.intake.payment");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        int shopDeliveries = 0;
        int paymentDeliveries = 0;
        List<Long> orders = new ArrayList<>();
        try {
            for (int i = 0; i < ORDERS; i++) {
                long id = FIRST + i;
                orders.add(id);
                List<Delivery> events = new ArrayList<>();
                switch (i % 3) {
                    case 0 -> events.add(shopify(id, "orders/create", "paid", "10:00"));
                    case 1 -> {
                        // shuffled: the shop's events of one order in a random order (the newest version wins)
                        events.add(shopify(id, "orders/create", "authorized", "10:00"));
                        events.add(shopify(id, "orders/updated", "authorized", "10:02"));
                        events.add(shopify(id, "orders/paid", "paid", "10:05"));
                        Collections.shuffle(events, random);
                    }
                    default -> events.add(shopify(id, "orders/create", "authorized", "10:00"));
                }
                for (Delivery event : events) {
                    thrice(pool, event);
                    shopDeliveries++;
                }
                if (i % 3 == 2) {
                    awaitKnown("test-shopify:" + id); // a payment overtaking its order needs the shop API (docs/reliability.md)
                    thrice(pool, stripe(id));
                    paymentDeliveries++;
                }
            }
        } finally {
            pool.shutdown();
        }
        // One order with a SKU the ERP does not know yet: parked, then replayed twice once the SKU exists
        long unknown = FIRST + ORDERS;
        orders.add(unknown);
        Delivery withNewSku = shopify(unknown, "orders/create", "paid", "10:00", "IPOD2008GREEN", "NEW-SKU-" + unknown);
        thrice(Executors.newFixedThreadPool(2), withNewSku);
        shopDeliveries++;
        awaitParked("NEW-SKU-" + unknown);
        items("{\"item_code\":\"NEW-SKU-" + unknown + "\"},");
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> replay = send("POST", "/api/admin/review/replay", "{\"reason\":\"NEW-SKU-" + unknown + "\"}");
            assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);
        }

        Map<Long, Integer> erpOrders = new HashMap<>();
        Map<Long, Integer> mails = new HashMap<>();
        long deadline = System.currentTimeMillis() + 60_000;
        do {
            Thread.sleep(500);
            count(orders, erpOrders, mails);
        } while ((erpOrders.containsValue(0) || mails.containsValue(0)) && System.currentTimeMillis() < deadline);
        Thread.sleep(2000); // late doubles would arrive now
        count(orders, erpOrders, mails);

        System.out.println("DUPLICATES SUITE FIGURES orders=" + orders.size() + " distinctDeliveries="
                + (shopDeliveries + paymentDeliveries) + " sent=" + 3 * (shopDeliveries + paymentDeliveries)
                + " replays=2 erpOrders=" + erpOrders.values().stream().mapToInt(Integer::intValue).sum()
                + " mails=" + mails.values().stream().mapToInt(Integer::intValue).sum());
        assertThat(erpOrders).as("ERP sales orders per order").allSatisfy((id, n) -> assertThat(n).as("order " + id).isEqualTo(1));
        assertThat(mails).as("confirmation mails per order").allSatisfy((id, n) -> assertThat(n).as("order " + id).isEqualTo(1));
        assertThat(broker.added("orderflow.intake.shop") - shopBefore).as("shop deliveries stored once each")
                .isEqualTo(shopDeliveries);
        assertThat(broker.added("orderflow.intake.payment") - paymentBefore).as("payments stored once each")
                .isEqualTo(paymentDeliveries);
        JsonNode queues = JSON.readTree(send("GET", "/admin/queues", null).body());
        assertThat(queues.at("/queues/orderflow.dead-letter/waiting").asLong()).isZero();
        assertThat(queues.at("/queues/orderflow.review/waiting").asLong()).as("the replayed order left review").isZero();
    }

    /** The same delivery three times: once, then twice at the same moment. Every answer is 200. */
    private void thrice(ExecutorService pool, Delivery delivery) throws Exception {
        assertThat(post(delivery)).isEqualTo(200);
        Future<Integer> a = pool.submit(() -> post(delivery));
        Future<Integer> b = pool.submit(() -> post(delivery));
        assertThat(a.get()).isEqualTo(200);
        assertThat(b.get()).isEqualTo(200);
    }

    private int post(Delivery delivery) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + delivery.path()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(delivery.body()));
        delivery.headers().forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private Delivery shopify(long id, String topic, String status, String time) throws IOException {
        return shopify(id, topic, status, time, null, null);
    }

    private Delivery shopify(long id, String topic, String status, String time, String sku, String newSku) throws IOException {
        ObjectNode order = (ObjectNode) JSON.readTree(fixture("shopify-orders-create.json"));
        order.put("id", id).put("name", "#D" + id).put("order_number", id).put("financial_status", status)
                .put("updated_at", "2026-11-29T" + time + ":00Z").put("subtotal_price", "597.00")
                .put("total_line_items_price", "597.00").put("total_tax", "0.00").put("total_price", "597.00")
                .put("total_discounts", "0.00");
        order.set("tax_lines", JSON.createArrayNode());
        for (JsonNode line : order.withArray("line_items")) {
            ((ObjectNode) line).set("tax_lines", JSON.createArrayNode());
            if (sku != null && line.path("sku").asText().equals(sku)) {
                ((ObjectNode) line).put("sku", newSku);
            }
        }
        byte[] body = JSON.writeValueAsBytes(order);
        return new Delivery("/webhooks/shop/test-shopify", body,
                shopifyHeaders(topic, "dup-" + id + "-" + topic, hmacBase64(SHOPIFY_SECRET, body)));
    }

    private static Delivery stripe(long id) {
        byte[] body = new String(fixture("stripe-payment_intent.succeeded.with-order-metadata.json"), StandardCharsets.UTF_8)
                .replace("\"order_id\": \"450789469\"", "\"order_id\": \"" + id + "\"")
                .replace("\"amount\": 2000", "\"amount\": 59700").replace("\"amount_received\": 2000", "\"amount_received\": 59700")
                .replace("evt_000000000000000000000000", "evt_dup" + id).replace("pi_000000000000000000000000", "pi_dup" + id)
                .getBytes(StandardCharsets.UTF_8);
        return new Delivery("/webhooks/payment/stripe", body, Map.of("Content-Type", "application/json",
                "Stripe-Signature", io.orderflow.support.Webhooks.stripeSignature(STRIPE_SECRET, body)));
    }

    private void count(List<Long> orders, Map<Long, Integer> erpOrders, Map<Long, Integer> mails) throws Exception {
        Map<String, Integer> posted = new HashMap<>();
        for (var request : ERP.findAll(postRequestedFor(urlEqualTo("/api/resource/Sales%20Order")))) {
            posted.merge(JSON.readTree(request.getBodyAsString()).path("po_no").asText(), 1, Integer::sum);
        }
        Map<String, Integer> subjects = new HashMap<>();
        for (MimeMessage message : SMTP.getReceivedMessages()) {
            subjects.merge(message.getSubject(), 1, Integer::sum);
        }
        for (long id : orders) {
            erpOrders.put(id, posted.getOrDefault("test-shopify-" + id, 0));
            mails.put(id, subjects.entrySet().stream().filter(e -> e.getKey().contains("#D" + id + " "))
                    .mapToInt(Map.Entry::getValue).sum());
        }
    }

    private void awaitKnown(String orderKey) throws Exception {
        for (int i = 0; i < 200; i++) {
            if (send("GET", "/admin/orders/" + orderKey, null).statusCode() == 200) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(orderKey + " never reached the gate");
    }

    private void awaitParked(String reason) throws Exception {
        for (int i = 0; i < 300; i++) {
            JsonNode list = JSON.readTree(send("GET", "/api/admin/review/messages?reason=" + reason, null).body());
            if (list.path("count").asInt() > 0) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("nothing parked with " + reason);
    }

    private HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", OPERATOR)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void items(String extra) {
        ERP.stubFor(get(urlPathEqualTo("/api/resource/Item")).willReturn(data("[" + extra
                + "{\"item_code\":\"IPOD2008GREEN\"},{\"item_code\":\"IPOD2008RED\"},{\"item_code\":\"IPOD2008BLACK\"}]")));
        String extraBin = extra.isEmpty() ? "" : "{\"item_code\":\"" + extra.replaceAll(".*\"item_code\":\"([^\"]+)\".*", "$1")
                + "\",\"actual_qty\":1000,\"reserved_qty\":0},";
        ERP.stubFor(get(urlPathEqualTo("/api/resource/Bin")).willReturn(data("[" + extraBin
                + "{\"item_code\":\"IPOD2008GREEN\",\"actual_qty\":100000,\"reserved_qty\":0},"
                + "{\"item_code\":\"IPOD2008RED\",\"actual_qty\":100000,\"reserved_qty\":0},"
                + "{\"item_code\":\"IPOD2008BLACK\",\"actual_qty\":100000,\"reserved_qty\":0}]")));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder data(String data) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("{\"data\":" + data + "}");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

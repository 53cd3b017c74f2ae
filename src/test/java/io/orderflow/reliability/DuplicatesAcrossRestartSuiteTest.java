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
import static io.orderflow.support.Webhooks.wooHeaders;
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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import io.orderflow.OrderflowApplication;
import io.orderflow.support.Broker;
import jakarta.mail.internet.MimeMessage;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Issue 12, suite 3 (duplicates and order) across a restart: the connector runs in this JVM on a persistent data
 * directory (as BrokerRestartPersistenceTest restarts it: the embedded broker comes back with its journal and its
 * duplicate-ID caches). Shopify orders (paid; authorized then orders/paid; authorized then a Stripe payment) and
 * WooCommerce orders (processing; on-hold then order.updated processing), each webhook signed as its platform signs
 * it. First run: set A delivered once and processed to the end; set B delivered once and the connector stopped right
 * after the last answer (work in flight). Second run on the same directory: every webhook of A and B delivered again
 * three times (once, then twice at the same moment). Effects counted at the far end: exactly one ERPNext sales order
 * (ErpNextState), one WMS fulfilment order (WmsFulfilmentState, per Idempotency-Key) and one order-confirmed mail
 * (GreenMail) per order, and the re-deliveries after the restart stored nothing on the intake queues.
 */
class DuplicatesAcrossRestartSuiteTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String SHOPIFY_SECRET = "shpss_test_client_secret";
    static final String WOO_SECRET = "wc_test_webhook_secret";
    static final String STRIPE_SECRET = "whsec_test_secret_for_fixtures";
    static final String OPERATOR = "Basic " + Base64.getEncoder().encodeToString("admin:test-admin-password"
            .getBytes(StandardCharsets.UTF_8));
    static final long FIRST = 5_000_000 + System.currentTimeMillis() / 1000 % 100_000 * 100;
    static final int SMTP_PORT = freePort();
    static final WmsFulfilmentState WMS_STATE = new WmsFulfilmentState();
    static final WireMockServer ERP = new WireMockServer(WireMockConfiguration.options().dynamicPort()
            .extensions(new ErpNextState(Map.of("test-shopify-", new BigDecimal("597.00"), "test-woo-", new BigDecimal("29.35")))));
    static final WireMockServer WMS = new WireMockServer(WireMockConfiguration.options().dynamicPort().extensions(WMS_STATE));
    static final GreenMail SMTP = new GreenMail(new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

    static {
        ERP.start();
        WMS.start();
        SMTP.start();
        ERP.stubFor(any(urlPathMatching("/api/resource/Sales%20Order.*")).willReturn(aResponse()
                .withTransformers(ErpNextState.NAME)));
        ERP.stubFor(get(urlPathEqualTo("/api/resource/Customer")).willReturn(data("[{\"name\":\"Bob Norman\"}]")));
        ERP.stubFor(get(urlPathEqualTo("/api/resource/Item")).willReturn(data(
                "[{\"item_code\":\"IPOD2008GREEN\"},{\"item_code\":\"IPOD2008RED\"},{\"item_code\":\"IPOD2008BLACK\"}]")));
        ERP.stubFor(get(urlPathEqualTo("/api/resource/Bin")).willReturn(data(
                "[{\"item_code\":\"IPOD2008GREEN\",\"actual_qty\":100000,\"reserved_qty\":0},"
                        + "{\"item_code\":\"IPOD2008RED\",\"actual_qty\":100000,\"reserved_qty\":0},"
                        + "{\"item_code\":\"IPOD2008BLACK\",\"actual_qty\":100000,\"reserved_qty\":0}]")));
        WMS.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo("/api/v1/fulfilment-orders")).willReturn(aResponse().withTransformers(WmsFulfilmentState.NAME)));
    }

    @AfterAll
    static void stop() {
        ERP.stop();
        WMS.stop();
        SMTP.stop();
    }

    @TempDir
    Path dataDir;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    int port;

    record Delivery(String path, byte[] body, Map<String, String> headers) {
    }

    /** An order of the stream: its label in mails, its ERP po_no, its order key, and its webhooks in sending order. */
    record TestOrder(String orderKey, String poNo, String mailLabel, List<Delivery> webhooks, Delivery payment) {
    }

    @Test
    void webhooksDeliveredAgainAfterARestartMakeNoSecondErpOrderFulfilmentOrMail() throws Exception {
        List<TestOrder> setA = orders(0);
        List<TestOrder> setB = orders(1);
        int distinct = 0;
        long inFlightAtStop;
        long[] storedFirstRun = new long[2];
        try (ConfigurableApplicationContext first = start()) {
            port = port(first);
            Broker broker = new Broker(first.getBean(EmbeddedActiveMQ.class));
            long shopBefore = broker.added("orderflow.intake.shop");
            long paymentBefore = broker.added("orderflow.intake.payment");
            distinct += deliverOnce(setA);
            Map<String, int[]> effects = awaitEffects(setA, 90);
            assertThat(effects).as("set A processed before the restart").allSatisfy((k, n) -> assertThat(n).containsExactly(1, 1, 1));
            distinct += deliverOnce(setB);
            storedFirstRun[0] = broker.added("orderflow.intake.shop") - shopBefore;
            storedFirstRun[1] = broker.added("orderflow.intake.payment") - paymentBefore;
            inFlightAtStop = count(setB).values().stream().filter(n -> n[0] == 0 || n[1] == 0 || n[2] == 0).count();
        }   // stopped right after set B's last 200: B's orders are in flight

        List<TestOrder> all = new ArrayList<>(setA);
        all.addAll(setB);
        long shopAgain;
        long paymentAgain;
        Map<String, int[]> effects;
        try (ConfigurableApplicationContext second = start()) {
            port = port(second);
            Broker broker = new Broker(second.getBean(EmbeddedActiveMQ.class));
            // messages reloaded from the journal at start count as added: compare around the re-deliveries
            Thread.sleep(1000);
            long shopBefore = broker.added("orderflow.intake.shop");
            long paymentBefore = broker.added("orderflow.intake.payment");
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                for (TestOrder order : all) {
                    for (Delivery webhook : order.webhooks()) {
                        thrice(pool, webhook);
                    }
                    if (order.payment() != null) {
                        thrice(pool, order.payment());
                    }
                }
            } finally {
                pool.shutdown();
            }
            shopAgain = broker.added("orderflow.intake.shop") - shopBefore;
            paymentAgain = broker.added("orderflow.intake.payment") - paymentBefore;
            effects = awaitEffects(all, 120);
            Thread.sleep(3000);   // late doubles would arrive now
            effects = count(all);
            JsonNode queues = JSON.readTree(send("GET", "/admin/queues").body());
            assertThat(queues.at("/queues/orderflow.dead-letter/waiting").asLong()).isZero();
            assertThat(queues.at("/queues/orderflow.review/waiting").asLong()).isZero();
        }

        int erpOrders = effects.values().stream().mapToInt(n -> n[0]).sum();
        int fulfilments = effects.values().stream().mapToInt(n -> n[1]).sum();
        int mails = effects.values().stream().mapToInt(n -> n[2]).sum();
        long lost = effects.values().stream().mapToLong(n -> (n[0] == 0 ? 1 : 0) + (n[1] == 0 ? 1 : 0) + (n[2] == 0 ? 1 : 0)).sum();
        long doubled = effects.values().stream().mapToLong(n -> Math.max(0, n[0] - 1) + Math.max(0, n[1] - 1) + Math.max(0, n[2] - 1)).sum();
        System.out.println("DUPLICATES ACROSS RESTART FIGURES orders=" + all.size() + " (shopify "
                + all.stream().filter(o -> o.orderKey().startsWith("test-shopify")).count() + ", woocommerce "
                + all.stream().filter(o -> o.orderKey().startsWith("test-woo")).count() + ") distinctDeliveries=" + distinct
                + " setBUnfinishedAtStop=" + inFlightAtStop + " storedFirstRun=" + storedFirstRun[0] + "+" + storedFirstRun[1] + " sentAfterRestart=" + 3 * distinct
                + " storedAfterRestart=" + shopAgain + "+" + paymentAgain + " erpOrders=" + erpOrders + " fulfilments="
                + fulfilments + " mails=" + mails + " lost=" + lost + " doubled=" + doubled);
        assertThat(storedFirstRun[0] + storedFirstRun[1]).as("every distinct delivery stored once in the first run").isEqualTo(distinct);
        assertThat(shopAgain).as("shop webhooks delivered again after the restart: stored").isZero();
        assertThat(paymentAgain).as("payments delivered again after the restart: stored").isZero();
        assertThat(effects).as("per order: ERPNext sales orders, WMS fulfilment orders, order-confirmed mails")
                .allSatisfy((key, n) -> assertThat(n).as(key).containsExactly(1, 1, 1));
    }

    /** Both sets: 3 Shopify paid, 1 Shopify authorized then orders/paid, 1 authorized + Stripe, 2 Woo processing, 1 Woo on-hold then updated. */
    private List<TestOrder> orders(int set) throws IOException {
        List<TestOrder> orders = new ArrayList<>();
        long base = FIRST + set * 20L;
        for (int i = 0; i < 8; i++) {
            long id = base + i;
            switch (i) {
                case 0, 1, 2 -> orders.add(new TestOrder("test-shopify:" + id, "test-shopify-" + id, "#R" + id + " ",
                        List.of(shopify(id, "orders/create", "paid", "10:00")), null));
                case 3 -> orders.add(new TestOrder("test-shopify:" + id, "test-shopify-" + id, "#R" + id + " ",
                        List.of(shopify(id, "orders/create", "authorized", "10:00"), shopify(id, "orders/paid", "paid", "10:05")), null));
                case 4 -> orders.add(new TestOrder("test-shopify:" + id, "test-shopify-" + id, "#R" + id + " ",
                        List.of(shopify(id, "orders/create", "authorized", "10:00")), stripe(id)));
                case 5, 6 -> orders.add(new TestOrder("test-woo:" + id, "test-woo-" + id, "#" + id + " ",
                        List.of(woo(id, "order.created", "processing", "10:00")), null));
                default -> orders.add(new TestOrder("test-woo:" + id, "test-woo-" + id, "#" + id + " ",
                        List.of(woo(id, "order.created", "on-hold", "10:00"), woo(id, "order.updated", "processing", "10:05")), null));
            }
        }
        return orders;
    }

    private int deliverOnce(List<TestOrder> orders) throws Exception {
        int n = 0;
        for (TestOrder order : orders) {
            for (Delivery webhook : order.webhooks()) {
                assertThat(post(webhook)).isEqualTo(200);
                n++;
            }
            if (order.payment() != null) {
                // a payment overtaking its order would need the shop API (docs/reliability.md, suite 1)
                awaitKnown(order.orderKey());
                assertThat(post(order.payment())).isEqualTo(200);
                n++;
            }
        }
        return n;
    }

    /** The same delivery three times: once, then twice at the same moment. Every answer is 200. */
    private void thrice(ExecutorService pool, Delivery delivery) throws Exception {
        assertThat(post(delivery)).isEqualTo(200);
        Future<Integer> a = pool.submit(() -> post(delivery));
        Future<Integer> b = pool.submit(() -> post(delivery));
        assertThat(a.get()).isEqualTo(200);
        assertThat(b.get()).isEqualTo(200);
    }

    private Map<String, int[]> awaitEffects(List<TestOrder> orders, int seconds) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        Map<String, int[]> effects;
        do {
            Thread.sleep(500);
            effects = count(orders);
        } while (effects.values().stream().anyMatch(n -> n[0] == 0 || n[1] == 0 || n[2] == 0)
                && System.currentTimeMillis() < deadline);
        return effects;
    }

    /** Per order key: {ERPNext sales orders, WMS fulfilment orders created, order-confirmed mails}. */
    private Map<String, int[]> count(List<TestOrder> orders) throws Exception {
        Map<String, Integer> posted = new HashMap<>();
        for (var request : ERP.findAll(postRequestedFor(urlEqualTo("/api/resource/Sales%20Order")))) {
            posted.merge(JSON.readTree(request.getBodyAsString()).path("po_no").asText(), 1, Integer::sum);
        }
        List<String> subjects = new ArrayList<>();
        for (MimeMessage message : SMTP.getReceivedMessages()) {
            subjects.add(message.getSubject());
        }
        Map<String, int[]> effects = new LinkedHashMap<>();
        for (TestOrder order : orders) {
            effects.put(order.orderKey(), new int[] {posted.getOrDefault(order.poNo(), 0), WMS_STATE.created(order.orderKey()),
                    (int) subjects.stream().filter(s -> s.contains(order.mailLabel())).count()});
        }
        return effects;
    }

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(OrderflowApplication.class).profiles("test").run("--server.port=0",
                "--orderflow.data-dir=" + dataDir, "--spring.artemis.embedded.server-id=312",
                "--orderflow.erp.kind=erpnext", "--orderflow.erp.url=" + ERP.baseUrl(), "--orderflow.erp.erpnext.api-key=erp-key",
                "--orderflow.erp.erpnext.api-secret=erp-secret", "--orderflow.erp.erpnext.company=Demo Shop Ltd",
                "--orderflow.erp.erpnext.warehouse=Stores - DS", "--orderflow.erp.charges.shipping-account=Freight - DS",
                "--orderflow.erp.erpnext.tax-accounts[7.5]=Sales Tax 7.5% - DS",
                "--orderflow.wms.kind=rest", "--orderflow.wms.id=main", "--orderflow.wms.url=" + WMS.baseUrl() + "/api/v1",
                "--orderflow.wms.api-key=wms-test-token", "--orderflow.wms.webhook-secrets[0]=wms-test-secret",
                "--orderflow.wms.max-requests-per-minute=6000",
                "--orderflow.writeback.shop=false", "--orderflow.writeback.erp=false",
                "--orderflow.notifications.shop-name=Demo Shop", "--orderflow.notifications.email.host=127.0.0.1",
                "--orderflow.notifications.email.port=" + SMTP_PORT, "--orderflow.notifications.email.start-tls=false",
                "--orderflow.notifications.email.from=Demo Shop <orders@demo-shop.example>");
    }

    private static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    private int post(Delivery delivery) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + delivery.path()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(delivery.body()));
        delivery.headers().forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private HttpResponse<String> send(String method, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Authorization", OPERATOR)
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void awaitKnown(String orderKey) throws Exception {
        for (int i = 0; i < 200; i++) {
            if (send("GET", "/admin/orders/" + orderKey).statusCode() == 200) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(orderKey + " never reached the gate");
    }

    private static Delivery shopify(long id, String topic, String status, String time) throws IOException {
        ObjectNode order = (ObjectNode) JSON.readTree(fixture("shopify-orders-create.json"));
        order.put("id", id).put("name", "#R" + id).put("order_number", id).put("financial_status", status)
                .put("updated_at", "2026-11-29T" + time + ":00Z").put("subtotal_price", "597.00")
                .put("total_line_items_price", "597.00").put("total_tax", "0.00").put("total_price", "597.00")
                .put("total_discounts", "0.00");
        order.set("tax_lines", JSON.createArrayNode());
        for (JsonNode line : order.withArray("line_items")) {
            ((ObjectNode) line).set("tax_lines", JSON.createArrayNode());
        }
        byte[] body = JSON.writeValueAsBytes(order);
        return new Delivery("/webhooks/shop/test-shopify", body,
                shopifyHeaders(topic, "restart-" + id + "-" + topic, hmacBase64(SHOPIFY_SECRET, body)));
    }

    private static Delivery woo(long id, String topic, String status, String time) throws IOException {
        ObjectNode order = (ObjectNode) JSON.readTree(new String(fixture("woocommerce-order-created.json"), StandardCharsets.UTF_8));
        order.put("id", id).put("number", String.valueOf(id)).put("status", status)
                .put("date_modified", "2026-11-29T" + time + ":00").put("date_modified_gmt", "2026-11-29T" + time + ":00");
        ((ObjectNode) order.at("/line_items/0")).put("sku", "IPOD2008GREEN");
        ((ObjectNode) order.at("/line_items/1")).put("sku", "IPOD2008RED");
        if (status.equals("processing")) {
            order.put("date_paid", "2026-11-29T" + time + ":00").put("date_paid_gmt", "2026-11-29T" + time + ":00");
        } else {
            order.putNull("date_paid").putNull("date_paid_gmt");
        }
        byte[] body = JSON.writeValueAsBytes(order);
        return new Delivery("/webhooks/shop/test-woo", body,
                wooHeaders(topic, "restart-" + id + "-" + topic, hmacBase64(WOO_SECRET, body)));
    }

    private static Delivery stripe(long id) {
        byte[] body = new String(fixture("stripe-payment_intent.succeeded.with-order-metadata.json"), StandardCharsets.UTF_8)
                .replace("\"order_id\": \"450789469\"", "\"order_id\": \"" + id + "\"")
                .replace("\"amount\": 2000", "\"amount\": 59700").replace("\"amount_received\": 2000", "\"amount_received\": 59700")
                .replace("evt_000000000000000000000000", "evt_restart" + id).replace("pi_000000000000000000000000", "pi_restart" + id)
                .getBytes(StandardCharsets.UTF_8);
        return new Delivery("/webhooks/payment/stripe", body, Map.of("Content-Type", "application/json",
                "Stripe-Signature", io.orderflow.support.Webhooks.stripeSignature(STRIPE_SECRET, body)));
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

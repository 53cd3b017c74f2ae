package io.orderflow.wms;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.orderflow.wms.WmsTestSupport.allocate;
import static io.orderflow.wms.WmsTestSupport.example;
import static io.orderflow.wms.WmsTestSupport.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.orderflow.support.Broker;
import io.orderflow.support.Queues;
import io.orderflow.support.Webhooks;
import jakarta.mail.internet.MimeMessage;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.camel.ProducerTemplate;
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
 * orderflow.wms.kind erp with Odoo (external JSON-RPC, /jsonrpc execute_kw, WireMock shaped like Odoo 17): the
 * fulfilment stage calls nothing (the ERP made the delivery), the ERP delivery poll reads the outgoing pickings the
 * warehouse validated ({@code stock.picking} done since the watermark, their sale order's client_order_ref, their
 * done moves and products), and each becomes one shipment event: the WooCommerce shop gets one note per package and
 * completed with the last one, the customer one "shipped" mail per package (GreenMail), Odoo is never written to.
 * A partial delivery, then its backorder; every run repeated (the overlap re-reads it): nothing happens twice.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"orderflow.data-dir=target/test-data/erp-warehouse-odoo-${random.uuid}",
                "spring.artemis.embedded.server-id=320",
                "orderflow.wms.kind=erp", "orderflow.wms.id=erp",
                // The poll runs when the test says (direct:erp-delivery-poll), not by its timer.
                "orderflow.wms.erp.poll-initial-delay=1h", "orderflow.wms.erp.poll-interval=1h",
                "orderflow.erp.kind=odoo", "orderflow.erp.odoo.api=jsonrpc", "orderflow.erp.odoo.database=mycompany",
                "orderflow.erp.odoo.username=integration-bot@example.com", "orderflow.erp.odoo.api-key=odoo-test-key",
                "orderflow.stock.sync-interval=0", "orderflow.reconcile.interval=0",
                "orderflow.channels.test-woo.api.consumer-key=ck_test", "orderflow.channels.test-woo.api.consumer-secret=cs_test",
                "orderflow.channels.test-woo.stock.source=none",
                "orderflow.notifications.shop-name=Demo Shop", "orderflow.notifications.email.host=127.0.0.1",
                "orderflow.notifications.email.from=Demo Shop <orders@demo-shop.example>",
                "orderflow.notifications.email.start-tls=false"})
@ActiveProfiles("test")
class ErpWarehouseOdooTest {

    static final int SMTP_PORT = WmsTestSupport.freePort();
    static final WireMockServer ODOO = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final WireMockServer SHOP = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final GreenMail MAIL = new GreenMail(new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    static final String WOO = "/woo/wp-json/wc/v3/orders/";

    static {
        ODOO.start();
        SHOP.start();
        MAIL.start();
    }

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
        registry.add("orderflow.erp.url", ODOO::baseUrl);
        registry.add("orderflow.channels.test-woo.api.base-url", () -> SHOP.baseUrl() + "/woo");
        registry.add("orderflow.notifications.email.port", () -> SMTP_PORT);
    }

    @AfterAll
    static void stop() {
        ODOO.stop();
        SHOP.stop();
        MAIL.stop();
    }

    @LocalServerPort
    int port;
    @Autowired
    JmsTemplate jms;
    @Autowired
    EmbeddedActiveMQ embedded;
    @Autowired
    ProducerTemplate camel;
    @Autowired
    FulfilmentStateStore states;

    @BeforeEach
    void reset() throws Exception {
        // Each test starts without a watermark (the first run of a fresh orderflow), whatever ran before it.
        new Broker(embedded).queue("orderflow.erp.delivery.state").deleteAllReferences();
        ODOO.resetAll();
        SHOP.resetAll();
        ODOO.stubFor(post(urlEqualTo("/jsonrpc")).atPriority(5).withRequestBody(matchingJsonPath("$.params.service", equalTo("common")))
                .willReturn(ok("2")));
        odoo("stock.picking", "search_read", "[]");
    }

    @Test
    void aPartialDeliveryThenItsBackorderAreTwoPackagesEachWrittenToTheShopAndMailedOnceAndOdooIsNeverWritten()
            throws Exception {
        String id = "8301";
        String email = "erp-wh-8301@customer.example";
        String orderKey = "test-woo:" + id;
        allocate(jms, allocated(id, email), "erp:allocated:" + id);

        // The fulfilment stage asks nothing: the fulfilment order is the ERP's sale order, named by its reference.
        await().atMost(Duration.ofSeconds(20)).until(() -> states.load(orderKey) != null);
        JsonNode state = states.load(orderKey);
        assertThat(state.get("wmsFulfilmentId").asText()).isEqualTo("test-woo-" + id);
        assertThat(state.get("wmsKind").asText()).isEqualTo("erp");
        assertThat(ODOO.getAllServeEvents()).isEmpty();
        assertThat(Queues.browse(jms, "orderflow.fulfilment.requested", orderKey)).hasSize(1);
        wooOrder(id);

        // The warehouse validates delivery WH/OUT/00009 with GREEN and RED (BLACK is not there: a backorder).
        odoo("stock.picking", "search_read", "[" + picking(9, "2026-11-29 10:15:02", "1ZA" + id) + "]");
        odoo("sale.order", "read", "[{\"id\":50,\"client_order_ref\":\"test-woo-" + id + "\"}]");
        odoo("product.product", "read", "[{\"id\":39,\"default_code\":\"IPOD2008GREEN\"},{\"id\":40,\"default_code\":\"IPOD2008RED\"},"
                + "{\"id\":41,\"default_code\":\"IPOD2008BLACK\"}]");
        moves("[9]", "[" + move(91, 9, 39, "1.0") + "," + move(92, 9, 40, "1.0") + "]");
        moves("[9,10]", "[" + move(91, 9, 39, "1.0") + "," + move(92, 9, 40, "1.0") + "," + move(101, 10, 41, "1.0") + "]");
        poll();
        await().atMost(Duration.ofSeconds(30)).until(() -> mailsTo(email).size() == 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> SHOP.findAll(postRequestedFor(urlEqualTo(WOO + id + "/notes"))).size() == 1);
        assertThat(states.load(orderKey).get("status").asText()).isEqualTo("partially_shipped");
        assertThat(GreenMailUtil.getBody(mailsTo(email).get(0))).contains("IPOD2008GREEN").contains("IPOD2008RED")
                .contains("1ZA" + id).doesNotContain("IPOD2008BLACK");
        assertThat(json(SHOP.findAll(postRequestedFor(urlEqualTo(WOO + id + "/notes"))).get(0).getBodyAsString())
                .path("note").asText()).contains("Shipped with UPS").contains("tracking number 1ZA" + id);

        // The next run re-reads it (the overlap before the watermark): nothing more happens.
        Broker broker = new Broker(embedded);
        long events = broker.added("orderflow.shipment.events");
        poll();
        ODOO.verify(1, rpc("stock.picking", "search_read")
                .withRequestBody(matchingJsonPath("$.params.args[6].domain", equalToJson(
                        "[[\"picking_type_code\",\"=\",\"outgoing\"],[\"state\",\"=\",\"done\"],[\"date_done\",\">=\",\"2026-11-29 10:10:02\"]]"))));

        // The backorder WH/OUT/00010 ships the rest: the second package, the order complete.
        odoo("stock.picking", "search_read", "[" + picking(9, "2026-11-29 10:15:02", "1ZA" + id) + ","
                + picking(10, "2026-11-29 12:30:00", "1ZB" + id) + "]");
        poll();
        await().atMost(Duration.ofSeconds(30)).until(() -> mailsTo(email).size() == 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> "shipped".equals(states.load(orderKey).get("status").asText()));
        await().atMost(Duration.ofSeconds(30)).until(() -> !SHOP.findAll(putRequestedFor(urlEqualTo(WOO + id))).isEmpty());
        assertThat(broker.added("orderflow.shipment.events")).isEqualTo(events + 1);
        poll();
        Thread.sleep(3_000);

        assertThat(mailsTo(email)).hasSize(2);
        assertThat(GreenMailUtil.getBody(mailsTo(email).get(1))).contains("IPOD2008BLACK").contains("1ZB" + id);
        SHOP.verify(2, postRequestedFor(urlEqualTo(WOO + id + "/notes")));
        SHOP.verify(1, putRequestedFor(urlEqualTo(WOO + id)).withRequestBody(equalToJson("{\"status\":\"completed\"}")));
        assertThat(broker.added("orderflow.shipment.events")).isEqualTo(events + 1);
        JsonNode packages = states.load(orderKey).get("packages");
        assertThat(packages.findValuesAsText("packageId")).containsExactly("WH/OUT/00009", "WH/OUT/00010");
        assertThat(packages.findValuesAsText("trackingNumber")).containsExactly("1ZA" + id, "1ZB" + id);
        // The ERP is only read: no write, no validation (the write-back to the ERP is off in this mode).
        ODOO.verify(0, rpc("stock.picking", "write"));
        ODOO.verify(0, rpc("stock.picking", "button_validate"));
        ODOO.verify(0, rpc("stock.move", "write"));
        ODOO.verify(1, rpc("stock.picking", "search_read")
                .withRequestBody(matchingJsonPath("$.params.args[6].domain[2][2]", equalTo("2026-11-29 12:25:00"))));
        assertThat(Queues.browse(jms, "orderflow.review", orderKey)).isEmpty();
    }

    @Test
    void aDeliveryOfAnOrderOrderflowDidNotHandToTheWarehouseIsSkippedAndTheErpWarehouseHasNoWebhooks() throws Exception {
        Broker broker = new Broker(embedded);
        long events = broker.added("orderflow.shipment.events");
        odoo("stock.picking", "search_read", "[" + picking(77, "2026-11-29 09:00:00", "1ZOTHER") + "]");
        odoo("sale.order", "read", "[{\"id\":50,\"client_order_ref\":\"typed-into-odoo-4711\"}]");
        odoo("product.product", "read", "[{\"id\":39,\"default_code\":\"IPOD2008GREEN\"}]");
        moves("[77]", "[" + move(771, 77, 39, "1.0") + "]");
        poll();
        Thread.sleep(1_000);
        assertThat(broker.added("orderflow.shipment.events")).isEqualTo(events);

        byte[] body = "{\"orderKey\":\"test-woo:1\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(Webhooks.post(port, "/webhooks/wms/erp", body, Map.of("Content-Type", "application/json")).statusCode())
                .isEqualTo(404);
    }

    @Test
    void aDeliveryWithoutTrackingNumberShipsAndIsMailedButItsShopWritebackIsParkedForReview() throws Exception {
        String id = "8302";
        String email = "erp-wh-8302@customer.example";
        String orderKey = "test-woo:" + id;
        allocate(jms, allocated(id, email), "erp:allocated:" + id);
        await().atMost(Duration.ofSeconds(20)).until(() -> states.load(orderKey) != null);
        wooOrder(id);

        // Validated in Odoo with everything, but nobody typed the carrier's tracking number (false in Odoo).
        odoo("stock.picking", "search_read", "[{\"id\":21,\"name\":\"WH/OUT/00021\",\"date_done\":\"2026-11-29 14:00:00\","
                + "\"sale_id\":[51,\"S00051\"],\"carrier_id\":false,\"carrier_tracking_ref\":false}]");
        odoo("sale.order", "read", "[{\"id\":51,\"client_order_ref\":\"test-woo-" + id + "\"}]");
        odoo("product.product", "read", "[{\"id\":39,\"default_code\":\"IPOD2008GREEN\"},{\"id\":40,\"default_code\":\"IPOD2008RED\"},"
                + "{\"id\":41,\"default_code\":\"IPOD2008BLACK\"}]");
        moves("[21]", "[" + move(211, 21, 39, "1.0") + "," + move(212, 21, 40, "1.0") + "," + move(213, 21, 41, "1.0") + "]");
        poll();

        await().atMost(Duration.ofSeconds(30)).until(() -> mailsTo(email).size() == 1);
        assertThat(GreenMailUtil.getBody(mailsTo(email).get(0))).contains("IPOD2008BLACK").doesNotContain("Carrier:")
                .doesNotContain("racking number");
        await().atMost(Duration.ofSeconds(30)).until(() -> "shipped".equals(states.load(orderKey).get("status").asText()));
        var parked = Queues.await(jms, "orderflow.review", orderKey);
        assertThat(parked).hasSize(1);
        assertThat(parked.get(0).getStringProperty("orderflowReason")).contains("the write-back request has no trackingNumber");
        SHOP.verify(0, postRequestedFor(urlEqualTo(WOO + id + "/notes")));
        poll();
        Thread.sleep(2_000);
        assertThat(mailsTo(email)).hasSize(1);
        assertThat(Queues.browse(jms, "orderflow.review", orderKey)).hasSize(1);
    }

    private void poll() {
        camel.requestBody("direct:erp-delivery-poll", "");
    }

    /** The many-lines golden example (GREEN, RED, BLACK, 1 each) as an order of channel test-woo. */
    static String allocated(String id, String email) {
        return example("wms-rest-fulfilment-order", "many-lines-express.input.json", id, email)
                .replace("shop-eu-1001", "test-woo-" + id).replace("shop-eu", "test-woo");
    }

    static String picking(int id, String doneAt, String tracking) {
        return "{\"id\":" + id + ",\"name\":\"WH/OUT/000" + (id < 10 ? "0" : "") + id + "\",\"date_done\":\"" + doneAt
                + "\",\"sale_id\":[50,\"S00050\"],\"carrier_id\":[1,\"UPS\"],\"carrier_tracking_ref\":\"" + tracking + "\"}";
    }

    static String move(int id, int picking, int product, String quantity) {
        return "{\"id\":" + id + ",\"picking_id\":[" + picking + ",\"WH/OUT\"],\"product_id\":[" + product + ",\"x\"],"
                + "\"quantity\":" + quantity + "}";
    }

    /** The WooCommerce order (fixture) as {@code id}, processing; notes, status. */
    void wooOrder(String id) throws Exception {
        ObjectNode order = (ObjectNode) WmsTestSupport.JSON.readTree(Files.readString(
                Path.of("src/test/resources/fixtures/woocommerce-order-created.json")));
        order.put("id", Long.parseLong(id)).put("number", id).put("status", "processing");
        SHOP.stubFor(get(urlEqualTo(WOO + id)).willReturn(json200(order.toString())));
        SHOP.stubFor(put(urlEqualTo(WOO + id)).willReturn(json200(order.deepCopy().put("status", "completed").toString())));
        SHOP.stubFor(get(urlPathEqualTo(WOO + id + "/notes")).willReturn(json200("[]")));
        SHOP.stubFor(post(urlEqualTo(WOO + id + "/notes")).willReturn(json200("{\"id\":280,\"customer_note\":true}")));
    }

    private static void moves(String pickingIds, String result) {
        ODOO.stubFor(rpcStub("stock.move", "search_read")
                .withRequestBody(matchingJsonPath("$.params.args[6].domain[0][2]", equalToJson(pickingIds)))
                .willReturn(ok(result)));
    }

    private static void odoo(String model, String method, String result) {
        ODOO.stubFor(rpcStub(model, method).willReturn(ok(result)));
    }

    private static MappingBuilder rpcStub(String model, String method) {
        return post(urlEqualTo("/jsonrpc")).withRequestBody(matchingJsonPath("$.params.service", equalTo("object")))
                .withRequestBody(matchingJsonPath("$.params.args[3]", equalTo(model)))
                .withRequestBody(matchingJsonPath("$.params.args[4]", equalTo(method)));
    }

    private static RequestPatternBuilder rpc(String model, String method) {
        return postRequestedFor(urlEqualTo("/jsonrpc")).withRequestBody(matchingJsonPath("$.params.service", equalTo("object")))
                .withRequestBody(matchingJsonPath("$.params.args[3]", equalTo(model)))
                .withRequestBody(matchingJsonPath("$.params.args[4]", equalTo(method)));
    }

    private static ResponseDefinitionBuilder ok(String result) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + result + "}");
    }

    private static ResponseDefinitionBuilder json200(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }

    static List<MimeMessage> mailsTo(String to) {
        List<MimeMessage> found = new ArrayList<>();
        for (MimeMessage m : MAIL.getReceivedMessages()) {
            try {
                if (Arrays.stream(m.getAllRecipients()).anyMatch(a -> a.toString().equals(to))) {
                    found.add(m);
                }
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
        return found;
    }
}

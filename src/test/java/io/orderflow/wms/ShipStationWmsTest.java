package io.orderflow.wms;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.orderflow.wms.WmsTestSupport.allocate;
import static io.orderflow.wms.WmsTestSupport.example;
import static io.orderflow.wms.WmsTestSupport.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.orderflow.support.Broker;
import io.orderflow.support.Queues;
import io.orderflow.support.Webhooks;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
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
 * The ShipStation v1 adapter against a WireMock ShipStation shaped like the real API: createorder upserts with Basic
 * auth and the exact body, the thin SHIP_NOTIFY webhook (secret in the target URL) fetched with our credentials and
 * turned into canonical shipment events, forged resource_urls refused, and the 40-per-minute limit with 429 and
 * X-Rate-Limit-Reset honoured.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"orderflow.data-dir=target/test-data/wms-shipstation-${random.uuid}", "spring.artemis.embedded.server-id=62",
                // One fulfilment consumer, so the calls are strictly one after another and the pause after a 429 is
                // measured from the refused call itself (with several consumers a call already on its way when the 429
                // came back is answered 429 as well and waits its turn: docs/fulfilment.md).
                "orderflow.wms.concurrent-consumers=1",
                "orderflow.wms.kind=shipstation", "orderflow.writeback.shop=false", "orderflow.writeback.erp=false", "orderflow.wms.id=shipstation",
                "orderflow.wms.shipstation.api-key=ss-key", "orderflow.wms.shipstation.api-secret=ss-secret",
                "orderflow.wms.webhook-secrets[0]=ss-url-secret", "orderflow.wms.timeout=5s",
                "orderflow.wms.max-requests-per-minute=120",
                "orderflow.broker.redelivery-delay-ms=100", "orderflow.broker.max-redelivery-delay-ms=200"})
@ActiveProfiles("test")
class ShipStationWmsTest {

    static final String BASIC = "Basic " + Base64.getEncoder().encodeToString("ss-key:ss-secret".getBytes(StandardCharsets.UTF_8));
    static final WireMockServer SHIPSTATION = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    static {
        SHIPSTATION.start();
    }

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
        registry.add("orderflow.wms.url", SHIPSTATION::baseUrl);
    }

    @AfterAll
    static void stop() {
        SHIPSTATION.stop();
    }

    @LocalServerPort
    int port;
    @Autowired
    JmsTemplate jms;
    @Autowired
    EmbeddedActiveMQ embedded;
    @Autowired
    CamelContext camel;
    @Autowired
    FulfilmentStateStore states;

    @BeforeEach
    void shipStationAccepts() {
        SHIPSTATION.resetAll();
        SHIPSTATION.stubFor(post(urlEqualTo("/orders/createorder")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withHeader("X-Rate-Limit-Limit", "40").withHeader("X-Rate-Limit-Remaining", "39")
                .withHeader("X-Rate-Limit-Reset", "59")
                .withBody("{\"orderId\":123456789,\"orderNumber\":\"1001\",\"orderStatus\":\"awaiting_shipment\"}")));
    }

    @Test
    void anAllocatedOrderIsUpsertedOnceByOrderKeyWithBasicAuthAndTheExactBody() throws Exception {
        String allocated = example("shipstation-order", "many-lines-express.input.json", "8001", "c-8001@customer.example");
        String expected = example("shipstation-order", "many-lines-express.expected.json", "8001", "c-8001@customer.example");
        NotifyBuilder twice = new NotifyBuilder(camel).fromRoute("fulfilment").whenCompleted(2).create();
        allocate(jms, allocated, "a-8001");
        allocate(jms, allocated, "a-8001-replayed");

        assertThat(twice.matches(30, TimeUnit.SECONDS)).isTrue();
        SHIPSTATION.verify(1, postRequestedFor(urlEqualTo("/orders/createorder"))
                .withHeader("Authorization", equalTo(BASIC))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson(expected)));
        SHIPSTATION.verify(1, postRequestedFor(urlEqualTo("/orders/createorder")));
        assertThat(json(expected).get("orderKey").asText()).isEqualTo("shop-eu:8001");
        await().atMost(Duration.ofSeconds(10)).until(() -> states.load("shop-eu:8001") != null);
        assertThat(states.load("shop-eu:8001").get("wmsFulfilmentId").asText()).isEqualTo("123456789");
    }

    @Test
    void aThinShipNotifyWebhookIsFetchedWithOurCredentialsAndBecomesCanonicalShipmentEvents() throws Exception {
        fulfilled("8002");
        String shipments = example("shipstation-shipments-to-canonical", "one-shipment-one-item.input.json", "8002", "-");
        JsonNode payload = json(shipments).get("payload");
        SHIPSTATION.stubFor(get(urlEqualTo("/shipments?storeID=123456&batchId=12345678&includeShipmentItems=True"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(payload.toString())));

        // The fixture (../shared/fixtures/shipstation-ship-notify-webhook.json) as ShipStation posts it, its
        // resource_url on this test's ShipStation host.
        byte[] webhook = new String(Webhooks.fixture("shipstation-ship-notify-webhook.json"), StandardCharsets.UTF_8)
                .replace("https://ssapi.shipstation.com", SHIPSTATION.baseUrl()).getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> response = Webhooks.post(port, "/webhooks/wms/shipstation?secret=ss-url-secret", webhook,
                Map.of("Content-Type", "application/json"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        // ShipStation retries a webhook it thinks failed: the same delivery is stored once, fetched once.
        assertThat(Webhooks.post(port, "/webhooks/wms/shipstation?secret=ss-url-secret", webhook,
                Map.of("Content-Type", "application/json")).statusCode()).isEqualTo(200);

        JsonNode writeback = json(Queues.await(jms, "orderflow.writeback.requests", "shop-eu:8002").get(0).getText());
        assertThat(writeback.get("packageId").asText()).isEqualTo("shipstation-72513480");
        assertThat(writeback.get("wms").asText()).isEqualTo("shipstation");
        assertThat(writeback.get("wmsFulfilmentId").asText()).isEqualTo("123456789");
        assertThat(writeback.get("carrier").asText()).isEqualTo("UPS");
        assertThat(writeback.get("trackingUrl").asText()).isEqualTo("https://www.ups.com/track?tracknum=1Z001985YW99744790");
        assertThat(writeback.get("lines").toString()).isEqualTo("[{\"sku\":\"IPOD2008GREEN\",\"quantity\":\"1\",\"shopLineId\":\"466157049\"}]");
        assertThat(writeback.get("orderComplete").asBoolean()).isFalse();   // red and black still open
        Thread.sleep(1000);
        assertThat(Queues.browse(jms, "orderflow.writeback.requests", "shop-eu:8002")).hasSize(1);
        SHIPSTATION.verify(1, getRequestedFor(urlPathEqualTo("/shipments")).withHeader("Authorization", equalTo(BASIC)));
    }

    @Test
    void aForgedOrForeignResourceUrlOrAWrongSecretIsRefusedAndNothingIsFetched() throws Exception {
        Broker broker = new Broker(embedded);
        long before = broker.added("orderflow.intake.wms");
        String other = "http://127.0.0.1:" + WmsTestSupport.freePort() + "/shipments?batchId=1";
        assertThat(shipNotify("ss-url-secret", "https://attacker.example/shipments?batchId=1").statusCode()).isEqualTo(400);
        assertThat(shipNotify("ss-url-secret", other).statusCode()).isEqualTo(400);
        assertThat(shipNotify("ss-url-secret", "http://ss-key:x@" + SHIPSTATION.baseUrl().substring(7) + "/shipments").statusCode())
                .isEqualTo(400);
        assertThat(shipNotify("ss-url-secret", "/shipments?batchId=1").statusCode()).isEqualTo(400);
        assertThat(shipNotify("wrong-secret", SHIPSTATION.baseUrl() + "/shipments?batchId=1").statusCode()).isEqualTo(401);
        assertThat(shipNotify(null, SHIPSTATION.baseUrl() + "/shipments?batchId=1").statusCode()).isEqualTo(401);
        assertThat(broker.added("orderflow.intake.wms")).isEqualTo(before);
        SHIPSTATION.verify(0, getRequestedFor(urlPathEqualTo("/shipments")));
        // Other resource types are acknowledged and not enqueued.
        ObjectNode orderNotify = WmsTestSupport.JSON.createObjectNode().put("resource_url", SHIPSTATION.baseUrl() + "/orders?batchId=2")
                .put("resource_type", "ORDER_NOTIFY");
        HttpResponse<String> ignored = Webhooks.post(port, "/webhooks/wms/shipstation?secret=ss-url-secret",
                orderNotify.toString().getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", "application/json"));
        assertThat(json(ignored.body()).get("status").asText()).isEqualTo("ignored");
        assertThat(broker.added("orderflow.intake.wms")).isEqualTo(before);
    }

    @Test
    void theRateLimitIsHonouredEvenlyAndA429WaitsForXRateLimitReset() throws Exception {
        SHIPSTATION.stubFor(post(urlEqualTo("/orders/createorder")).atPriority(1).inScenario("limited")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("reset")
                .willReturn(aResponse().withStatus(429).withHeader("X-Rate-Limit-Limit", "40")
                        .withHeader("X-Rate-Limit-Remaining", "0").withHeader("X-Rate-Limit-Reset", "2")));
        for (String id : List.of("8101", "8102", "8103")) {
            allocate(jms, example("shipstation-order", "one-line-order.input.json", id, "x@customer.example")
                    .replace("820982911946154508", id), "a-" + id);
        }
        await().atMost(Duration.ofSeconds(40)).until(() -> states.load("shop-eu:8101") != null
                && states.load("shop-eu:8102") != null && states.load("shop-eu:8103") != null);

        List<LoggedRequest> calls = SHIPSTATION.findAll(postRequestedFor(urlEqualTo("/orders/createorder")));
        calls.sort(java.util.Comparator.comparing(LoggedRequest::getLoggedDate));
        assertThat(calls).hasSize(4);   // one refused with 429, three accepted
        long afterLimit = calls.get(1).getLoggedDate().getTime() - calls.get(0).getLoggedDate().getTime();
        assertThat(afterLimit).as("the call after the 429 waited X-Rate-Limit-Reset (2 s)").isGreaterThanOrEqualTo(1900);
        // 120 per minute: one permit per 60 s / 119 cycle (504 ms), so three calls span at least one whole cycle and
        // no 504 ms window holds more than two.
        long span = calls.get(3).getLoggedDate().getTime() - calls.get(1).getLoggedDate().getTime();
        assertThat(span).as("three calls at 120 per minute").isGreaterThanOrEqualTo(500);
        Boolean deadLettered = jms.browse("orderflow.dead-letter", (s, b) -> b.getEnumeration().hasMoreElements());
        assertThat(deadLettered).isFalse();
    }

    // --- helpers ---

    void fulfilled(String orderId) throws Exception {
        allocate(jms, example("shipstation-order", "many-lines-express.input.json", orderId, "c-" + orderId + "@customer.example"),
                "a-" + orderId);
        await().atMost(Duration.ofSeconds(20)).until(() -> states.load("shop-eu:" + orderId) != null);
    }

    HttpResponse<String> shipNotify(String secret, String resourceUrl) {
        ObjectNode body = WmsTestSupport.JSON.createObjectNode().put("resource_url", resourceUrl).put("resource_type", "SHIP_NOTIFY");
        String path = "/webhooks/wms/shipstation" + (secret == null ? "" : "?secret=" + secret);
        return Webhooks.post(port, path, body.toString().getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", "application/json"));
    }
}

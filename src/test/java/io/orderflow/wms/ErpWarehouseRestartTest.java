package io.orderflow.wms;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.orderflow.wms.WmsTestSupport.allocate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.orderflow.OrderflowApplication;
import io.orderflow.support.Broker;
import io.orderflow.support.Queues;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jms.core.JmsTemplate;

/**
 * orderflow.wms.kind erp with ERPNext (Frappe REST, WireMock shaped like ERPNext 15: Delivery Note list with filters,
 * order_by and paging, each note read whole), across a restart: a submitted Delivery Note becomes one package
 * (WooCommerce note, "shipped" mail); orderflow stops and starts again on the same broker data; the watermark is
 * still there (the next list asks from it minus the overlap), the note read again changes nothing, and the second
 * note (po_no empty: the reference comes from its Sales Order) completes the order, once.
 */
class ErpWarehouseRestartTest {

    static final String WOO = "/woo/wp-json/wc/v3/orders/";
    static final String NOTES = "/api/resource/Delivery%20Note";
    final WireMockServer erpnext = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    final WireMockServer shop = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    final int smtpPort = WmsTestSupport.freePort();
    final GreenMail mail = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    @TempDir
    Path dataDir;

    @Test
    void theWatermarkSurvivesARestartAndADeliveryNoteReadAgainChangesNothing() throws Exception {
        erpnext.start();
        shop.start();
        mail.start();
        String id = "8321";
        String email = "erp-wh-8321@customer.example";
        String orderKey = "test-woo:" + id;
        wooOrder(id);
        noteList(note("MAT-DN-2026-00001", "2026-11-29 10:00:00.123456"));
        noteDoc("MAT-DN-2026-00001", "2026-11-29 10:00:00.123456", "test-woo-" + id, "1ZA" + id,
                new String[] {"IPOD2008GREEN", "1"}, new String[] {"IPOD2008RED", "1"});

        try (ConfigurableApplicationContext first = start()) {
            JmsTemplate jms = first.getBean(JmsTemplate.class);
            FulfilmentStateStore states = first.getBean(FulfilmentStateStore.class);
            allocate(jms, ErpWarehouseOdooTest.allocated(id, email), "erp:allocated:" + id);
            await().atMost(Duration.ofSeconds(20)).until(() -> states.load(orderKey) != null);
            poll(first);
            await().atMost(Duration.ofSeconds(30)).until(() -> mailsTo(email) == 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> shop.findAll(postRequestedFor(urlEqualTo(WOO + id + "/notes"))).size() == 1);
            awaitQuiet(first);
            assertThat(states.load(orderKey).get("status").asText()).isEqualTo("partially_shipped");
        }
        erpnext.verify(1, getRequestedFor(urlPathEqualTo(NOTES)).withHeader("Authorization", equalTo("token erp-key:erp-secret"))
                .withQueryParam("order_by", equalTo("modified asc")).withQueryParam("limit_start", equalTo("0"))
                .withQueryParam("limit_page_length", equalTo("500")));

        try (ConfigurableApplicationContext second = start()) {
            JmsTemplate jms = second.getBean(JmsTemplate.class);
            FulfilmentStateStore states = second.getBean(FulfilmentStateStore.class);
            // The same note again, after the restart: asked from the watermark the first run left on the broker.
            poll(second);
            erpnext.verify(1, getRequestedFor(urlPathEqualTo(NOTES)).withQueryParam("filters", equalToJson(
                    "[[\"docstatus\",\"=\",1],[\"is_return\",\"=\",0],[\"modified\",\">=\",\"2026-11-29 09:55:00.123456\"]]")));
            Thread.sleep(2_000);
            awaitQuiet(second);
            assertThat(mailsTo(email)).isEqualTo(1);
            shop.verify(1, postRequestedFor(urlEqualTo(WOO + id + "/notes")));

            // The rest ships on a second note; its po_no is empty, its item names the Sales Order.
            noteList(note("MAT-DN-2026-00001", "2026-11-29 10:00:00.123456"), note("MAT-DN-2026-00002", "2026-11-29 11:00:00.5"));
            noteDoc("MAT-DN-2026-00002", "2026-11-29 11:00:00.5", "", "1ZB" + id, new String[] {"IPOD2008BLACK", "1"});
            erpnext.stubFor(get(urlPathEqualTo("/api/resource/Sales%20Order/SAL-ORD-2026-00050")).willReturn(json200(
                    "{\"data\":{\"name\":\"SAL-ORD-2026-00050\",\"po_no\":\"test-woo-" + id + "\",\"docstatus\":1}}")));
            poll(second);
            await().atMost(Duration.ofSeconds(30)).until(() -> mailsTo(email) == 2);
            await().atMost(Duration.ofSeconds(30)).until(() -> "shipped".equals(states.load(orderKey).get("status").asText()));
            poll(second);
            Thread.sleep(2_000);
            awaitQuiet(second);

            assertThat(mailsTo(email)).isEqualTo(2);
            assertThat(GreenMailUtil.getBody(mail.getReceivedMessages()[1])).contains("IPOD2008BLACK").contains("1ZB" + id)
                    .contains("DHL Paket");
            shop.verify(2, postRequestedFor(urlEqualTo(WOO + id + "/notes")));
            shop.verify(1, putRequestedFor(urlEqualTo(WOO + id)).withRequestBody(equalToJson("{\"status\":\"completed\"}")));
            JsonNode packages = states.load(orderKey).get("packages");
            assertThat(packages.findValuesAsText("packageId")).containsExactly("MAT-DN-2026-00001", "MAT-DN-2026-00002");
            erpnext.verify(0, postRequestedFor(urlPathEqualTo(NOTES)));
            erpnext.verify(0, putRequestedFor(urlPathEqualTo(NOTES + "/MAT-DN-2026-00001")));
            assertThat(Queues.browse(jms, "orderflow.review", orderKey)).isEmpty();
        }
    }

    @AfterEach
    void stopServers() {
        erpnext.stop();
        shop.stop();
        mail.stop();
    }

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(OrderflowApplication.class).profiles("test").run(
                "--server.port=0", "--orderflow.data-dir=" + dataDir, "--spring.artemis.embedded.server-id=321",
                "--orderflow.wms.kind=erp", "--orderflow.wms.id=erp",
                "--orderflow.wms.erp.poll-initial-delay=1h", "--orderflow.wms.erp.poll-interval=1h",
                "--orderflow.erp.kind=erpnext", "--orderflow.erp.url=" + erpnext.baseUrl(),
                "--orderflow.erp.erpnext.api-key=erp-key", "--orderflow.erp.erpnext.api-secret=erp-secret",
                "--orderflow.erp.erpnext.company=Demo Shop Ltd", "--orderflow.erp.erpnext.warehouse=Stores - DS",
                "--orderflow.stock.sync-interval=0", "--orderflow.reconcile.interval=0",
                "--orderflow.channels.test-woo.api.base-url=" + shop.baseUrl() + "/woo",
                "--orderflow.channels.test-woo.api.consumer-key=ck_test",
                "--orderflow.channels.test-woo.api.consumer-secret=cs_test", "--orderflow.channels.test-woo.stock.source=none",
                "--orderflow.notifications.shop-name=Demo Shop", "--orderflow.notifications.email.host=127.0.0.1",
                "--orderflow.notifications.email.port=" + smtpPort,
                "--orderflow.notifications.email.from=Demo Shop <orders@demo-shop.example>",
                "--orderflow.notifications.email.start-tls=false");
    }

    private static void poll(ConfigurableApplicationContext context) {
        context.getBean(ProducerTemplate.class).requestBody("direct:erp-delivery-poll", "");
    }

    /** Nothing left in flight on the stages after the tracking stage (so a stop commits everything). */
    private static void awaitQuiet(ConfigurableApplicationContext context) {
        Broker broker = new Broker(context.getBean(EmbeddedActiveMQ.class));
        await().atMost(Duration.ofSeconds(30)).until(() -> broker.depth("orderflow.shipment.events") == 0
                && broker.depth("orderflow.writeback.requests") == 0 && broker.depth("orderflow.notify.requests") == 0);
    }

    private int mailsTo(String to) {
        int n = 0;
        for (var m : mail.getReceivedMessages()) {
            try {
                if (m.getAllRecipients()[0].toString().equals(to)) {
                    n++;
                }
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
        return n;
    }

    private static String note(String name, String modified) {
        return "{\"name\":\"" + name + "\",\"modified\":\"" + modified + "\"}";
    }

    /** The list of submitted Delivery Notes (one page). */
    private void noteList(String... notes) {
        erpnext.stubFor(get(urlPathEqualTo(NOTES)).withQueryParam("filters", containing("docstatus"))
                .willReturn(json200("{\"data\":[" + String.join(",", notes) + "]}")));
    }

    /** One Delivery Note as GET /api/resource/Delivery Note/{name} answers it (submitted, items against SO 50). */
    private void noteDoc(String name, String modified, String poNo, String lrNo, String[]... items) {
        ObjectNode data = WmsTestSupport.JSON.createObjectNode();
        ObjectNode doc = data.putObject("data").put("name", name).put("doctype", "Delivery Note").put("docstatus", 1)
                .put("is_return", 0).put("customer", "Bob Norman").put("posting_date", "2026-11-29")
                .put("modified", modified).put("po_no", poNo).put("lr_no", lrNo).put("transporter_name", "DHL Paket");
        ArrayNode rows = doc.putArray("items");
        for (int i = 0; i < items.length; i++) {
            rows.addObject().put("name", name + "-item-" + i).put("doctype", "Delivery Note Item").put("idx", i + 1)
                    .put("item_code", items[i][0]).put("qty", Double.parseDouble(items[i][1]))
                    .put("against_sales_order", "SAL-ORD-2026-00050").put("so_detail", "so-row-" + i)
                    .put("warehouse", "Stores - DS");
        }
        erpnext.stubFor(get(urlEqualTo(NOTES + "/" + name)).willReturn(json200(data.toString())));
    }

    private void wooOrder(String id) throws Exception {
        ObjectNode order = (ObjectNode) WmsTestSupport.JSON.readTree(Files.readString(
                Path.of("src/test/resources/fixtures/woocommerce-order-created.json")));
        order.put("id", Long.parseLong(id)).put("number", id).put("status", "processing");
        shop.stubFor(get(urlEqualTo(WOO + id)).willReturn(json200(order.toString())));
        shop.stubFor(put(urlEqualTo(WOO + id)).willReturn(json200(order.deepCopy().put("status", "completed").toString())));
        shop.stubFor(get(urlPathEqualTo(WOO + id + "/notes")).willReturn(json200("[]")));
        shop.stubFor(post(urlEqualTo(WOO + id + "/notes")).willReturn(json200("{\"id\":280,\"customer_note\":true}")));
    }

    private static ResponseDefinitionBuilder json200(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }
}

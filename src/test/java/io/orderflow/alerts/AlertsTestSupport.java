package io.orderflow.alerts;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;

/** The ops alert tests' ERPNext stubs and orders (no servers of its own). */
final class AlertsTestSupport {

    static final ObjectMapper JSON = new ObjectMapper();

    private AlertsTestSupport() {
    }

    /** ERPNext with no IPOD2008GREEN in stock (the others plenty): the order is confirmed with a backorder. */
    static void erpnextShortOfGreen(WireMockServer erpnext) {
        erpnext.resetAll();
        list(erpnext, "Sales%20Order", "[]");
        list(erpnext, "Customer", "[]");
        list(erpnext, "Item", "[{\"item_code\":\"IPOD2008GREEN\"},{\"item_code\":\"IPOD2008RED\"},{\"item_code\":\"IPOD2008BLACK\"}]");
        list(erpnext, "Bin", "[{\"item_code\":\"IPOD2008GREEN\",\"actual_qty\":0,\"reserved_qty\":0},"
                + "{\"item_code\":\"IPOD2008RED\",\"actual_qty\":5,\"reserved_qty\":0},"
                + "{\"item_code\":\"IPOD2008BLACK\",\"actual_qty\":5,\"reserved_qty\":0}]");
        erpnext.stubFor(post(urlEqualTo("/api/resource/Customer")).willReturn(data("{\"name\":\"Bob Norman\"}")));
        erpnext.stubFor(post(urlEqualTo("/api/resource/Address")).willReturn(data("{\"name\":\"Bob Norman-Billing\"}")));
        erpnext.stubFor(post(urlEqualTo("/api/resource/Sales%20Order"))
                .willReturn(data("{\"name\":\"SAL-ORD-2026-00188\",\"docstatus\":0}")));
        erpnext.stubFor(put(urlEqualTo("/api/resource/Sales%20Order/SAL-ORD-2026-00188"))
                .willReturn(data("{\"name\":\"SAL-ORD-2026-00188\",\"docstatus\":1}")));
        erpnext.stubFor(get(urlEqualTo("/api/resource/Sales%20Order/SAL-ORD-2026-00188"))
                .willReturn(data("{\"name\":\"SAL-ORD-2026-00188\",\"docstatus\":0,\"grand_total\":597.0}")));
    }

    static ObjectNode releasedOrder(String channel, String number) throws IOException {
        ObjectNode order = (ObjectNode) JSON.readTree(Files.readString(
                Path.of("mappings/shopify-order-to-canonical.examples/orders-create.expected.json")));
        order.put("channel", channel).put("orderKey", channel + ":" + number).put("externalId", number)
                .put("orderNumber", number).put("erpReference", channel + "-" + number);
        ((ObjectNode) order.get("totals")).put("subtotal", "597.00").put("tax", "0.00").put("total", "597.00");
        return order;
    }

    private static void list(WireMockServer erpnext, String doctype, String rows) {
        erpnext.stubFor(get(urlPathEqualTo("/api/resource/" + doctype)).willReturn(data(rows)));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder data(String data) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("{\"data\":" + data + "}");
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

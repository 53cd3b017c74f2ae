package io.orderflow.writeback;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.jms.core.JmsTemplate;

/**
 * Write-back requests as the tracking stage sends them (queue orderflow.writeback.requests, header orderKey,
 * JMSXGroupID = orderKey; the body of the contract in docs/writeback.md), and the shop answers the tests need.
 */
final class WritebackRequests {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String QUEUE = "orderflow.writeback.requests";

    /** The contract's example, verbatim: order shop-eu:450789469 shipped in one package with its one line. */
    static final String CONTRACT_EXAMPLE = "{\"orderKey\":\"shop-eu:450789469\",\"channel\":\"shop-eu\",\"shopOrderId\":\"450789469\","
            + "\"wms\":\"rest-main\",\"wmsFulfilmentId\":\"FO-123\",\"packageId\":\"PKG-1\",\"status\":\"shipped\",\"carrier\":\"UPS\","
            + "\"service\":\"Ground\",\"trackingNumber\":\"1Z001985YW99744790\",\"trackingUrl\":\"https://...\","
            + "\"occurredAt\":\"2026-11-29T10:00:00Z\",\"lines\":[{\"sku\":\"IPOD2008GREEN\",\"quantity\":\"1\",\"shopLineId\":\"466157049\"}],"
            + "\"orderComplete\":true,\"shippedLines\":[{\"sku\":\"IPOD2008GREEN\",\"quantity\":\"1\",\"shopLineId\":\"466157049\"}]}";

    private WritebackRequests() {
    }

    /** The contract's example for another channel and order, with these lines ({sku, quantity, shopLineId}). */
    static ObjectNode request(String channel, String orderId, String packageId, String trackingNumber, boolean orderComplete,
            List<String[]> lines) {
        ObjectNode r = (ObjectNode) read(CONTRACT_EXAMPLE);
        r.put("orderKey", channel + ":" + orderId).put("channel", channel).put("shopOrderId", orderId)
                .put("packageId", packageId).put("trackingNumber", trackingNumber)
                .put("trackingUrl", "https://www.ups.com/track?tracknum=" + trackingNumber)
                .put("orderComplete", orderComplete);
        ArrayNode lineNodes = r.putArray("lines");
        for (String[] line : lines) {
            ObjectNode l = lineNodes.addObject().put("sku", line[0]).put("quantity", line[1]);
            if (line.length > 2 && line[2] != null) {
                l.put("shopLineId", line[2]);
            }
        }
        r.set("shippedLines", lineNodes.deepCopy());
        return r;
    }

    static void send(JmsTemplate jms, String body) {
        String orderKey = read(body).path("orderKey").asText();
        jms.send(QUEUE, session -> {
            var message = session.createTextMessage(body);
            message.setStringProperty("orderKey", orderKey);
            message.setStringProperty("JMSXGroupID", orderKey);
            return message;
        });
    }

    static void send(JmsTemplate jms, JsonNode body) {
        send(jms, body.toString());
    }

    /** The Shopify order fixture (450789469, #1001, IPOD2008GREEN/RED/BLACK) as order {@code id}. */
    static ObjectNode shopifyOrder(String id) {
        try {
            ObjectNode order = (ObjectNode) JSON.readTree(Files.readString(Path.of("src/test/resources/fixtures/shopify-orders-create.json")));
            order.put("id", Long.parseLong(id));
            return order;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode read(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

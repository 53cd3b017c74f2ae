package io.orderflow.wms;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.jms.core.JmsTemplate;

/** Allocated orders from the mappings' golden examples, re-keyed per test, and WMS shipment webhook bodies. */
final class WmsTestSupport {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String EXAMPLE_ID = "450789469";
    static final String EXAMPLE_EMAIL = "bob.norman@hostmail.com";

    private WmsTestSupport() {
    }

    /** A golden example file of a mapping with the order id and the customer's e-mail replaced. */
    static String example(String mapping, String file, String orderId, String email) {
        try {
            return Files.readString(Path.of("mappings", mapping + ".examples", file))
                    .replace(EXAMPLE_ID, orderId).replace(EXAMPLE_EMAIL, email);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Puts an allocated order on orderflow.allocated as the ERP stage does (orderKey, group, a delivery id). */
    static void allocate(JmsTemplate jms, String allocated, String duplicateId) throws IOException {
        String orderKey = JSON.readTree(allocated).path("orderKey").asText();
        jms.send("orderflow.allocated", session -> {
            var message = session.createTextMessage(allocated);
            message.setStringProperty("orderKey", orderKey);
            message.setStringProperty("JMSXGroupID", orderKey);
            message.setStringProperty("_AMQ_DUPL_ID", duplicateId);
            return message;
        });
    }

    /** A shipment webhook of the REST contract: one package per {packageId, status, "sku:qty:lineId", ...}. */
    static ObjectNode shipment(String eventId, String orderKey, String fulfilmentOrderId) {
        ObjectNode body = JSON.createObjectNode().put("eventId", eventId).put("type", "shipment")
                .put("orderKey", orderKey).put("fulfilmentOrderId", fulfilmentOrderId);
        body.putArray("packages");
        return body;
    }

    static ObjectNode addPackage(ObjectNode webhook, String packageId, String status, String trackingNumber, String... lines) {
        ObjectNode pkg = ((ArrayNode) webhook.get("packages")).addObject().put("packageId", packageId).put("status", status)
                .put("carrier", "UPS").put("service", "Ground").put("trackingNumber", trackingNumber)
                .put("trackingUrl", "https://www.ups.com/track?tracknum=" + trackingNumber)
                .put("occurredAt", "2026-11-29T09:02:00Z");
        ArrayNode shipped = pkg.putArray("lines");
        for (String line : lines) {
            String[] parts = line.split(":");
            ObjectNode l = shipped.addObject().put("sku", parts[0]).put("quantity", Integer.parseInt(parts[1]));
            if (parts.length > 2) {
                l.put("lineId", parts[2]);
            }
        }
        return webhook;
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
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

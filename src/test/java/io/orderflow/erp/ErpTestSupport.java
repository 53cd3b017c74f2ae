package io.orderflow.erp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.jms.core.JmsTemplate;

/** Puts released orders on orderflow.release the way the payment gate does, for the ERP stage tests. */
final class ErpTestSupport {

    static final ObjectMapper JSON = new ObjectMapper();

    private ErpTestSupport() {
    }

    /** The canonical Shopify order of the golden example (3 lines, 1 each of IPOD2008GREEN/RED/BLACK), re-keyed. */
    static ObjectNode releasedOrder(String channel, String number) {
        try {
            ObjectNode order = (ObjectNode) JSON.readTree(Files.readString(
                    Path.of("mappings/shopify-order-to-canonical.examples/orders-create.expected.json")));
            order.put("channel", channel).put("orderKey", channel + ":" + number).put("externalId", number)
                    .put("orderNumber", number).put("erpReference", channel + "-" + number);
            return order;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void release(JmsTemplate jms, JsonNode order, String deliveryId) {
        String orderKey = order.path("orderKey").asText();
        jms.send("orderflow.release", session -> {
            var message = session.createTextMessage(order.toString());
            message.setStringProperty("orderKey", orderKey);
            message.setStringProperty("JMSXGroupID", orderKey);
            message.setStringProperty("orderflowDeliveryId", deliveryId);
            return message;
        });
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

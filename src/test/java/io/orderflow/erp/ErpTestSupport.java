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

    /**
     * The canonical Shopify order of the golden example (3 lines, 1 each of IPOD2008GREEN/RED/BLACK at 199.00, no
     * line taxes), re-keyed, with totals that add up (the documentation sample it comes from says 409.94).
     */
    static ObjectNode releasedOrder(String channel, String number) {
        ObjectNode order = golden("mappings/shopify-order-to-canonical.examples/orders-create.expected.json", channel, number);
        ((ObjectNode) order.get("totals")).put("subtotal", "597.00").put("tax", "0.00").put("total", "597.00");
        return order;
    }

    /**
     * The one-line golden order: 2 x SKU-1 at 25.00 including 19 % tax, 5.00 off (WELCOME10), DHL Paket 4.90;
     * the customer paid 49.90.
     */
    static ObjectNode taxIncludedOneLineOrder(String channel, String number) {
        return golden("mappings/shopify-order-to-canonical.examples/one-line-taxes-included-discount-shipping.expected.json",
                channel, number);
    }

    /**
     * The one-line WooCommerce golden order: 1 x SKU-1 listed at 25.00 including 19 % tax (WooCommerce states it net:
     * 21.01 + 3.99), a 5.00 coupon, DHL Paket 4.90 (4.12 + 0.78); the customer paid 24.90.
     */
    static ObjectNode wooTaxIncludedOneLineOrder(String channel, String number) {
        return golden("mappings/woocommerce-order-to-canonical.examples/one-line-prices-include-tax-coupon-shipping.expected.json",
                channel, number);
    }

    private static ObjectNode golden(String file, String channel, String number) {
        try {
            ObjectNode order = (ObjectNode) JSON.readTree(Files.readString(Path.of(file)));
            order.put("channel", channel).put("orderKey", channel + ":" + number).put("externalId", number)
                    .put("orderNumber", number).put("erpReference", channel + "-" + number);
            return order;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void release(JmsTemplate jms, JsonNode order, String deliveryId) {
        release(jms, order, deliveryId, null);
    }

    /** As the gate releases it; {@code paidAmount}: the payment the gateway confirmed (header orderflowPaidAmount). */
    static void release(JmsTemplate jms, JsonNode order, String deliveryId, String paidAmount) {
        String orderKey = order.path("orderKey").asText();
        jms.send("orderflow.release", session -> {
            var message = session.createTextMessage(order.toString());
            if (paidAmount != null) {
                message.setStringProperty("orderflowPaidAmount", paidAmount);
            }
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

package io.orderflow.wms;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderflow.alerts.OpsAlerts;
import io.orderflow.review.UnprocessableEventException;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The tracking stage's step (route {@code tracking}) for one canonical shipment event (mappings/canonical-shipment
 * .schema.json), against the order's fulfilment state (orderflow.fulfilment.state):
 * <ul>
 * <li>a NEW package (its packageId, or its tracking number, not in the state): its lines are added to the shipped
 * quantities (split shipments: each package on its own; the order is complete when every line shipped), compared
 * with the ordered lines (a SKU not ordered or more shipped than ordered is a mismatch: counted in
 * {@code orderflow.fulfilment.accuracy} outcome=mismatch and reported on orderflow.review with the difference; else
 * outcome=accurate), and the write-back request (the event plus orderComplete and shippedLines) and the customer's
 * "shipped" notification are prepared;</li>
 * <li>a known package: a status further along (in transit, out for delivery, delivered...) is recorded and the
 * customer told about out-for-delivery and delivered, once per package; the same or an older status changes
 * nothing.</li>
 * </ul>
 * Variables for the route: {@code trackingChanged} (false: a duplicate or replay, nothing is sent), {@code
 * fulfilmentState}, {@code writebackBody}, {@code notifyShipped}, {@code notifyOutForDelivery}, {@code
 * notifyDelivered}, {@code mismatchReason} and {@code mismatchBody} (the event, for the ops record) (each null when there is nothing to send).
 */
@Component("trackingStage")
public class TrackingStage {

    private static final Logger LOG = LoggerFactory.getLogger(TrackingStage.class);

    /** How far along a status is: an update to a lower rank (a late, out-of-order event) changes nothing. */
    static final Map<String, Integer> RANK = Map.of("shipped", 1, "in_transit", 2, "attempt_failed", 3,
            "available_for_pickup", 3, "exception", 3, "out_for_delivery", 4, "delivered", 5);

    private final FulfilmentStateStore states;
    private final ObjectMapper mapper;
    private final MeterRegistry meters;

    public TrackingStage(FulfilmentStateStore states, ObjectMapper mapper, MeterRegistry meters) {
        this.states = states;
        this.mapper = mapper;
        this.meters = meters;
    }

    public void process(Exchange exchange) throws IOException {
        for (String variable : List.of("fulfilmentState", "writebackBody", "notifyShipped", "notifyOutForDelivery",
                "notifyDelivered", "mismatchReason", "mismatchBody")) {
            exchange.setVariable(variable, null);
        }
        exchange.setVariable("trackingChanged", false);
        ObjectNode event = (ObjectNode) mapper.readTree(exchange.getMessage().getBody(String.class));
        String orderKey = event.path("orderKey").asText("");
        String packageId = event.path("packageId").asText("");
        String status = event.path("status").asText("");
        if (orderKey.isBlank() || packageId.isBlank() || !RANK.containsKey(status)) {
            throw new UnprocessableEventException("shipment event without orderKey, packageId or a known status");
        }
        // The route's duplicate ids name the package: from the event itself, whatever headers a replay carries.
        exchange.getMessage().setHeader("orderKey", orderKey);
        exchange.getMessage().setHeader("orderflowPackageId", packageId);
        exchange.getMessage().setHeader("orderflowShipmentStatus", status);
        ObjectNode state = states.load(orderKey);
        if (state == null) {
            throw new UnprocessableEventException("no fulfilment state for " + orderKey
                    + ": orderflow did not send this order to the WMS (or not yet); replay once it has");
        }
        ObjectNode pkg = findPackage(state, packageId, event.path("trackingNumber").asText(""));
        if (pkg == null && "cancelled".equals(state.path("status").asText())) {
            throw new UnprocessableEventException("return case: package " + packageId + " of " + orderKey
                    + " shipped after the order was cancelled (" + event.path("carrier").asText("") + " "
                    + event.path("trackingNumber").asText("") + ")");
        }
        boolean hasLines = event.path("lines").isArray() && !event.path("lines").isEmpty();
        if (pkg == null && !hasLines) {
            throw new UnprocessableEventException("tracking update for package " + packageId + " of " + orderKey
                    + " which no shipment named (no lines): replay after its shipment event");
        }
        if (pkg == null) {
            newPackage(exchange, state, event);
        } else {
            statusUpdate(exchange, state, pkg, event);
        }
    }

    private void newPackage(Exchange exchange, ObjectNode state, ObjectNode event) {
        String orderKey = state.path("orderKey").asText();
        String packageId = event.path("packageId").asText();
        List<String> differences = new ArrayList<>();
        ArrayNode packageLines = mapper.createArrayNode();
        for (JsonNode shipped : event.path("lines")) {
            String sku = shipped.path("sku").asText("");
            BigDecimal quantity = quantity(shipped.path("quantity"));
            ObjectNode line = findLine(state, shipped.path("shopLineId").asText(""), sku);
            if (line == null) {
                differences.add("SKU " + sku + " x " + quantity.toPlainString() + " shipped but not ordered");
                packageLines.addObject().put("sku", sku).put("name", "").put("quantity", quantity.toPlainString());
                continue;
            }
            BigDecimal total = quantity(line.path("shipped")).add(quantity);
            BigDecimal ordered = quantity(line.path("ordered"));
            line.put("shipped", total.toPlainString());
            if (total.compareTo(ordered) > 0) {
                differences.add("SKU " + line.path("sku").asText() + ": " + total.toPlainString() + " shipped, "
                        + ordered.toPlainString() + " ordered");
            }
            packageLines.addObject().put("sku", line.path("sku").asText()).put("name", line.path("name").asText(""))
                    .put("quantity", quantity.toPlainString());
        }
        boolean complete = true;
        for (JsonNode line : state.path("lines")) {
            complete &= quantity(line.path("shipped")).compareTo(quantity(line.path("ordered"))) >= 0;
        }
        String outcome = differences.isEmpty() ? "accurate" : "mismatch";
        meters.counter("orderflow.fulfilment.accuracy", "outcome", outcome, "wms", state.path("wms").asText("")).increment();
        if (!differences.isEmpty()) {
            String reason = "fulfilment accuracy mismatch in package " + packageId + ": " + String.join("; ", differences);
            ((ArrayNode) state.withArray("mismatches")).addObject().put("packageId", packageId).put("difference", reason);
            exchange.setVariable("mismatchReason", reason);
            exchange.setVariable("mismatchBody", event.toString());
            // The route reports it on orderflow.review: its ops alert is an accuracy mismatch (OpsAlerts).
            exchange.setVariable("alertKind", OpsAlerts.ACCURACY_MISMATCH);
            LOG.warn("OPS ALERT: order {}: {}", orderKey, reason);
        }

        String status = event.path("status").asText();
        ObjectNode pkg = ((ArrayNode) state.withArray("packages")).addObject()
                .put("packageId", packageId).put("status", status)
                .put("carrier", event.path("carrier").asText(""))
                .put("service", event.path("service").asText(""))
                .put("trackingNumber", event.path("trackingNumber").asText(""))
                .put("trackingUrl", event.path("trackingUrl").asText(""))
                .put("shippedAt", event.path("occurredAt").asText(""));
        pkg.set("lines", packageLines);
        ArrayNode notified = pkg.putArray("notified");
        state.put("status", complete ? "shipped" : "partially_shipped");
        updateDelivered(state);

        ObjectNode writeback = event.deepCopy();
        writeback.put("orderComplete", complete);
        // The ERP order the delivery belongs to, as the ERP stage named it: the write-back then need not ask the shop.
        if (!state.path("erpReference").asText("").isBlank()) {
            writeback.put("erpReference", state.path("erpReference").asText());
        }
        ArrayNode shippedLines = writeback.putArray("shippedLines");
        for (JsonNode line : state.path("lines")) {
            shippedLines.addObject().put("sku", line.path("sku").asText()).put("shopLineId", line.path("shopLineId").asText())
                    .put("ordered", line.path("ordered").asText()).put("shipped", line.path("shipped").asText());
        }
        exchange.setVariable("writebackBody", writeback.toString());
        exchange.setVariable("notifyShipped", notification("shipped", state, pkg, complete));
        notified.add("shipped");
        notifyForStatus(exchange, state, pkg, status, complete);
        exchange.setVariable("fulfilmentState", state.toString());
        exchange.setVariable("trackingChanged", true);
        LOG.info("Order {}: package {} shipped ({}), order {}", orderKey, packageId, event.path("carrier").asText(""),
                complete ? "complete" : "partly shipped");
    }

    private void statusUpdate(Exchange exchange, ObjectNode state, ObjectNode pkg, ObjectNode event) {
        String current = pkg.path("status").asText("shipped");
        String status = event.path("status").asText();
        if (status.equals(current) || "delivered".equals(current) || RANK.get(status) < RANK.getOrDefault(current, 1)) {
            LOG.info("Order {}: package {} is {} already; {} changes nothing", state.path("orderKey").asText(),
                    pkg.path("packageId").asText(), current, status);
            return;
        }
        pkg.put("status", status);
        if (pkg.path("trackingUrl").asText("").isBlank() && event.hasNonNull("trackingUrl")) {
            pkg.put("trackingUrl", event.path("trackingUrl").asText());
        }
        updateDelivered(state);
        boolean complete = !"partially_shipped".equals(state.path("status").asText());
        notifyForStatus(exchange, state, pkg, status, complete);
        exchange.setVariable("fulfilmentState", state.toString());
        exchange.setVariable("trackingChanged", true);
        LOG.info("Order {}: package {} {}", state.path("orderKey").asText(), pkg.path("packageId").asText(), status);
    }

    private void notifyForStatus(Exchange exchange, ObjectNode state, ObjectNode pkg, String status, boolean complete) {
        ArrayNode notified = (ArrayNode) pkg.withArray("notified");
        if ("out_for_delivery".equals(status) && !contains(notified, "out-for-delivery")) {
            exchange.setVariable("notifyOutForDelivery", notification("out-for-delivery", state, pkg, complete));
            notified.add("out-for-delivery");
        }
        if ("delivered".equals(status) && !contains(notified, "delivered")) {
            exchange.setVariable("notifyDelivered", notification("delivered", state, pkg, complete));
            notified.add("delivered");
        }
    }

    /** The order is delivered when it is complete and every package is. */
    private static void updateDelivered(ObjectNode state) {
        if (!"shipped".equals(state.path("status").asText()) && !"delivered".equals(state.path("status").asText())) {
            return;
        }
        boolean all = true;
        for (JsonNode p : state.path("packages")) {
            all &= "delivered".equals(p.path("status").asText());
        }
        state.put("status", all ? "delivered" : "shipped");
    }

    /** A notification request for the notify stage (template, order, package, tracking, customer). */
    private String notification(String template, ObjectNode state, ObjectNode pkg, boolean complete) {
        ObjectNode request = mapper.createObjectNode()
                .put("template", template)
                .put("orderKey", state.path("orderKey").asText())
                .put("channel", state.path("channel").asText())
                .put("orderNumber", state.path("orderNumber").asText(""))
                .put("orderName", state.path("orderName").asText(""))
                .put("package", pkg.path("packageId").asText())
                .put("carrier", pkg.path("carrier").asText(""))
                .put("service", pkg.path("service").asText(""))
                .put("trackingNumber", pkg.path("trackingNumber").asText(""))
                .put("trackingUrl", pkg.path("trackingUrl").asText(""))
                .put("orderComplete", complete)
                // Every package of the complete order delivered: the order's status moves to delivered.
                .put("orderDelivered", "delivered".equals(state.path("status").asText()));
        request.set("lines", pkg.path("lines").deepCopy());
        request.set("customer", state.path("customer").deepCopy());
        if (state.hasNonNull("country")) {
            request.put("country", state.path("country").asText());
        }
        return request.toString();
    }

    private static ObjectNode findPackage(ObjectNode state, String packageId, String trackingNumber) {
        for (JsonNode p : state.path("packages")) {
            if (packageId.equals(p.path("packageId").asText())) {
                return (ObjectNode) p;
            }
        }
        if (!trackingNumber.isBlank()) {
            for (JsonNode p : state.path("packages")) {
                if (trackingNumber.equals(p.path("trackingNumber").asText())) {
                    return (ObjectNode) p;
                }
            }
        }
        return null;
    }

    private static ObjectNode findLine(ObjectNode state, String shopLineId, String sku) {
        if (!shopLineId.isBlank()) {
            for (JsonNode line : state.path("lines")) {
                if (shopLineId.equals(line.path("shopLineId").asText()) && sku.equals(line.path("sku").asText())) {
                    return (ObjectNode) line;
                }
            }
        }
        for (JsonNode line : state.path("lines")) {
            if (sku.equals(line.path("sku").asText())) {
                return (ObjectNode) line;
            }
        }
        return null;
    }

    private static boolean contains(ArrayNode values, String value) {
        for (JsonNode v : values) {
            if (value.equals(v.asText())) {
                return true;
            }
        }
        return false;
    }

    private static BigDecimal quantity(JsonNode value) {
        try {
            return new BigDecimal(value.asText("0").isBlank() ? "0" : value.asText("0"));
        } catch (NumberFormatException e) {
            throw new UnprocessableEventException("quantity is not a number: " + value.asText());
        }
    }
}

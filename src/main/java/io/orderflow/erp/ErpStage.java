package io.orderflow.erp;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderflow.alerts.OpsAlerts;
import io.orderflow.config.OrderflowProperties;
import io.orderflow.config.OrderflowProperties.ShortagePolicy;
import io.orderflow.review.UnprocessableEventException;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The ERP stage's steps (route {@code erp-stage}) for one released order:
 * <ol>
 * <li>look the ERP reference up first: an order that exists is never created again (duplicates, redelivery, replay,
 * and a crash between the ERP's answer and our commit all end here);</li>
 * <li>resolve every SKU to an ERP product; unknown SKUs park the order for review, naming them;</li>
 * <li>find or create the customer by e-mail (with addresses), create the sales order with every line, discount,
 * shipping charge and tax ({@link OrderAmounts});</li>
 * <li>read the ERP's total back and compare it with what the customer paid (the shop's total, and the payment the
 * gate saw): a difference beyond orderflow.erp.total-tolerance parks the order for review, unconfirmed;</li>
 * <li>compare the free quantities with the order: a shortage follows orderflow.erp.shortage-policy (backorder:
 * confirm and ship what is there, alert ops, tell the customer; hold: leave the order unconfirmed and park it);</li>
 * <li>confirm and reserve, then read the free quantities back for the shop.</li>
 * </ol>
 * Leaves the allocated event as the body and, as variables, the stock levels to push to the shop, the customer's
 * order confirmation (confirmationBody) and a backorder notification if any (notificationBody).
 */
@Component("erpStage")
public class ErpStage {

    private static final Logger LOG = LoggerFactory.getLogger(ErpStage.class);
    private static final Object[] CUSTOMER_LOCKS = new Object[64];

    static {
        for (int i = 0; i < CUSTOMER_LOCKS.length; i++) {
            CUSTOMER_LOCKS[i] = new Object();
        }
    }

    private final ErpClient erp;
    private final ObjectMapper mapper;
    private final OrderflowProperties.Erp settings;
    private final MeterRegistry meters;
    private final OrderflowProperties properties;
    private final OpsAlerts alerts;

    public ErpStage(ErpClient erp, ObjectMapper mapper, OrderflowProperties properties, MeterRegistry meters,
            OpsAlerts alerts) {
        this.alerts = alerts;
        this.erp = erp;
        this.mapper = mapper;
        this.settings = properties.getErp();
        this.properties = properties;
        this.meters = meters;
    }

    public void process(Exchange exchange) throws IOException {
        JsonNode order = mapper.readTree(exchange.getMessage().getBody(String.class));
        String reference = order.path("erpReference").asText();
        String orderKey = order.path("orderKey").asText();

        Map<String, BigDecimal> needed = new LinkedHashMap<>();
        List<String> blank = new ArrayList<>();
        for (JsonNode line : order.path("lines")) {
            String sku = line.path("sku").asText();
            if (sku.isBlank()) {
                blank.add(line.path("name").asText());
            } else {
                needed.merge(sku, line.path("quantity").decimalValue(), BigDecimal::add);
            }
        }
        if (!blank.isEmpty()) {
            throw new UnprocessableEventException("lines without SKU: " + blank);
        }

        Optional<ErpClient.ErpOrder> existing = erp.findOrder(reference);
        Map<String, ErpClient.ErpProduct> products = erp.products(needed.keySet());
        TreeSet<String> unknown = new TreeSet<>(needed.keySet());
        unknown.removeAll(products.keySet());
        if (!unknown.isEmpty()) {
            throw new UnprocessableEventException("unknown SKUs in the ERP: " + String.join(", ", unknown)
                    + " (create the products, then replay)");
        }

        OrderAmounts amounts = OrderAmounts.of(order);
        ErpClient.ErpOrder erpOrder;
        if (existing.isPresent()) {
            erpOrder = existing.get();
            LOG.info("ERP order {} for {} exists already (reference {}): not created again", erpOrder.id(), orderKey, reference);
        } else {
            String customer;
            // Two orders of a new customer handled at once (concurrent consumers) must not create it twice.
            synchronized (CUSTOMER_LOCKS[Math.floorMod(order.at("/customer/email").asText().hashCode(), CUSTOMER_LOCKS.length)]) {
                customer = erp.findOrCreateCustomer(order);
            }
            erpOrder = erp.createOrder(order, amounts, charges(order.path("channel").asText()), customer, products);
            LOG.info("ERP order {} created for {} (reference {})", erpOrder.id(), orderKey, reference);
        }
        if (!erpOrder.confirmed()) {
            checkTotal(exchange, order, amounts, erpOrder);
        }

        Map<String, BigDecimal> shortages = new LinkedHashMap<>();
        if (!erpOrder.confirmed()) {
            needed.forEach((sku, quantity) -> {
                BigDecimal free = products.get(sku).freeQuantity();
                if (free.compareTo(quantity) < 0) {
                    shortages.put(sku, quantity.subtract(free.max(BigDecimal.ZERO)));
                }
            });
        }
        if (!shortages.isEmpty()) {
            meters.counter("orderflow.erp.shortages", "policy", settings.getShortagePolicy().name()).increment();
            LOG.warn("OPS ALERT: order {} short of stock: {} (policy {})", orderKey, shortages, settings.getShortagePolicy());
            if (settings.getShortagePolicy() == ShortagePolicy.hold) {
                // Parked for review (stage-errors): the alert of that parking is a shortage alert (OpsAlerts).
                exchange.setVariable("alertKind", OpsAlerts.SHORTAGE);
                throw new UnprocessableEventException("held for stock: short of " + shortages
                        + "; the ERP order " + erpOrder.id() + " stays unconfirmed; replay when stock has arrived");
            }
        }
        if (!shortages.isEmpty()) {
            String deliveryId = exchange.getMessage().getHeader("orderflowDeliveryId", String.class);
            // Backordered: the order goes on, the ops alert mail lists the shortage (in this stage's transaction).
            alerts.raise(OpsAlerts.SHORTAGE, orderKey, "short of " + shortages + " (policy backorder: ERP order "
                    + erpOrder.id() + " confirmed, the rest backordered)", "erp",
                    deliveryId == null ? null : "alert:erp:shortage:" + deliveryId);
        }
        erp.confirmAndReserve(erpOrder);

        java.time.Instant readAt = java.time.Instant.now();   // taken before the read: a later reading is newer
        Map<String, ErpClient.ErpProduct> after = erp.products(needed.keySet());
        ObjectNode allocated = mapper.createObjectNode()
                .put("orderKey", orderKey)
                .put("erpReference", reference)
                .put("erpKind", settings.getKind().name())
                .put("erpOrderId", erpOrder.id())
                .put("backordered", !shortages.isEmpty());
        ArrayNode lines = allocated.putArray("lines");
        needed.forEach((sku, quantity) -> {
            BigDecimal short_ = shortages.getOrDefault(sku, BigDecimal.ZERO);
            lines.addObject().put("sku", sku).put("quantity", plain(quantity))
                    .put("reserved", plain(quantity.subtract(short_)))
                    .put("backordered", plain(short_));
        });
        allocated.set("order", order);
        exchange.getMessage().setBody(allocated.toString());

        // Channel-independent: stock-sync sets these quantities in EVERY shop selling from the ERP's stock, and
        // orders readings by readAt (a newer reading is never overwritten by an older one).
        ObjectNode stock = mapper.createObjectNode().put("source", OrderflowProperties.ERP_STOCK)
                .put("readAt", readAt.toString()).put("origin", "order " + orderKey);
        ObjectNode levels = stock.putObject("available");
        after.forEach((sku, p) -> levels.put(sku, plain(p.freeQuantity().max(BigDecimal.ZERO))));
        exchange.setVariable("stockLevels", stock.toString());
        // The customer's confirmation (notify stage, template order-confirmed): what was ordered and paid.
        ObjectNode confirmation = mapper.createObjectNode().put("template", "order-confirmed")
                .put("orderKey", orderKey).put("channel", order.path("channel").asText())
                .put("orderNumber", order.path("orderNumber").asText())
                .put("orderName", order.path("orderName").asText(""))
                .put("erpReference", reference)
                .put("total", order.path("totals").path("total").asText())
                .put("currency", order.path("currency").asText())
                .put("backordered", !shortages.isEmpty());
        ArrayNode confirmedLines = confirmation.putArray("lines");
        for (JsonNode line : order.path("lines")) {
            confirmedLines.addObject().put("sku", line.path("sku").asText()).put("name", line.path("name").asText())
                    .put("quantity", plain(line.path("quantity").decimalValue()));
        }
        confirmation.set("customer", order.path("customer"));
        putCountry(confirmation, order);
        exchange.setVariable("confirmationBody", confirmation.toString());
        if (!shortages.isEmpty()) {
            ObjectNode notification = mapper.createObjectNode().put("template", "backorder")
                    .put("orderKey", orderKey).put("channel", order.path("channel").asText())
                    .put("orderNumber", order.path("orderNumber").asText())
                    .put("orderName", order.path("orderName").asText(""));
            ObjectNode backordered = notification.putObject("backordered");
            shortages.forEach((sku, q) -> backordered.put(sku, plain(q)));
            notification.set("customer", order.path("customer"));
            putCountry(notification, order);
            exchange.setVariable("notificationBody", notification.toString());
        }
    }

    /** The order's country (shipping, else billing address) on a notification request: the SMS number's region. */
    private static void putCountry(ObjectNode request, JsonNode order) {
        String country = io.orderflow.notify.PhoneNumbers.regionOf(order);
        if (country != null) {
            request.put("country", country);
        }
    }

    /**
     * The ERP's total, read back before confirmation, against the shop's total and the payment the gate saw
     * (header orderflowPaidAmount, set when the gateway confirmed the payment). Beyond the tolerance the order is
     * parked for review with both amounts and the lines, and nothing is confirmed or reserved.
     */
    private void checkTotal(Exchange exchange, JsonNode order, OrderAmounts amounts, ErpClient.ErpOrder erpOrder) {
        BigDecimal erpTotal = erp.orderTotal(erpOrder);
        if (erpTotal.scale() < amounts.scale()) {
            erpTotal = erpTotal.setScale(amounts.scale());   // ERPs answer numbers (49.9): shown as money (49.90)
        }
        BigDecimal tolerance = settings.getTotalTolerance();
        String currency = amounts.currency();
        List<String> differences = new ArrayList<>();
        if (amounts.shopTotal() != null && erpTotal.subtract(amounts.shopTotal()).abs().compareTo(tolerance) > 0) {
            differences.add("the shop's total is " + amounts.shopTotal().toPlainString() + " " + currency);
        }
        String paid = exchange.getMessage().getHeader("orderflowPaidAmount", String.class);
        if (paid != null && !paid.isBlank() && erpTotal.subtract(new BigDecimal(paid)).abs().compareTo(tolerance) > 0) {
            differences.add("the payment confirmed by the gateway is " + paid + " " + currency);
        }
        if (differences.isEmpty()) {
            LOG.info("ERP order {} of {} totals {} {}: what the customer paid", erpOrder.id(),
                    order.path("orderKey").asText(), erpTotal.toPlainString(), currency);
            return;
        }
        meters.counter("orderflow.erp.total.mismatches", "erp", settings.getKind().name()).increment();
        StringBuilder lines = new StringBuilder();
        for (OrderAmounts.Line l : amounts.all()) {
            lines.append(lines.length() == 0 ? "" : "; ").append(l.kind() == OrderAmounts.Kind.shipping ? "shipping " : "")
                    .append(l.sku() == null || l.sku().isBlank() ? l.name() : l.sku()).append(" ")
                    .append(plain(l.quantity())).append(" x ").append(l.listedUnitPrice().toPlainString());
            if (l.discount().signum() != 0) {
                lines.append(" - ").append(l.discount().toPlainString());
            }
            lines.append(" = ").append(l.gross().toPlainString()).append(" incl. tax ").append(l.tax().toPlainString());
        }
        throw new UnprocessableEventException("total mismatch: the ERP order " + erpOrder.id() + " totals "
                + erpTotal.toPlainString() + " " + currency + " but " + String.join(" and ", differences)
                + " (tolerance " + tolerance.toPlainString() + "; lines: " + lines + "). The ERP order stays unconfirmed"
                + " and nothing is reserved: correct it (or its taxes/charges settings) in the ERP, then replay");
    }

    /** The channel's own ERP charge settings, each falling back to orderflow.erp.charges.*. */
    private ErpClient.Charges charges(String channelId) {
        OrderflowProperties.ErpCharges defaults = settings.getCharges();
        OrderflowProperties.Channel channel = properties.getChannels().get(channelId);
        OrderflowProperties.ErpCharges own = channel == null ? new OrderflowProperties.ErpCharges() : channel.getErp();
        return new ErpClient.Charges(
                own.getShippingProduct() != null ? own.getShippingProduct() : defaults.getShippingProduct(),
                own.getDiscountProduct() != null ? own.getDiscountProduct() : defaults.getDiscountProduct(),
                own.getShippingAccount() != null ? own.getShippingAccount() : defaults.getShippingAccount());
    }

    /** Quantities as ERPs send them (10.0) shown as people write them (10). */
    private static String plain(BigDecimal quantity) {
        return quantity.stripTrailingZeros().toPlainString();
    }
}

package io.orderflow.writeback;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderflow.config.OrderflowProperties;
import io.orderflow.erp.ErpClient;
import io.orderflow.review.UnprocessableEventException;
import io.orderflow.shop.ShopChannel;
import io.orderflow.shop.ShopPlatform;
import io.orderflow.shop.ShopPlatforms;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The steps of route {@code writeback} for one shipped package (a request from the tracking stage on
 * orderflow.writeback.requests, docs/writeback.md): check the request, record the package in the shop through the
 * channel's {@link ShopPlatform#writeFulfilment} and in the ERP through {@link ErpClient#deliver}, each once per
 * package by its own check at the far side (the package's tracking number), so a redelivery after one target
 * succeeded and the other failed writes nothing twice.
 *
 * <p>Failures: a request that cannot be written as it is (missing fields, a quantity that is no whole number, a
 * channel without write-back, an unknown line, over-fulfilment, the shop's or ERP's refusal) is parked for review
 * ({@link UnprocessableEventException}); a shop that is down or throttles becomes {@link WritebackUnavailableException}
 * and an ERP that is down {@link io.orderflow.erp.ErpUnavailableException}: rolled back, redelivered with back-off,
 * counted by the circuit breaker, never dead-lettered.
 */
@Component("writebackStage")
public class WritebackStage {

    private static final Logger LOG = LoggerFactory.getLogger(WritebackStage.class);

    private final ObjectMapper mapper;
    private final OrderflowProperties properties;
    private final ShopPlatforms platforms;
    private final ErpClient erp;
    private final WritebackConfiguration.WritebackSwitch targets;
    private final MeterRegistry meters;

    public WritebackStage(ObjectMapper mapper, OrderflowProperties properties, ShopPlatforms platforms, ErpClient erp,
            WritebackConfiguration.WritebackSwitch targets, MeterRegistry meters) {
        this.mapper = mapper;
        this.properties = properties;
        this.platforms = platforms;
        this.erp = erp;
        this.targets = targets;
        this.meters = meters;
    }

    /** A package as the request describes it. */
    record Package(String orderKey, String channel, String shopOrderId, String packageId, String carrier, String service,
            String trackingNumber, String trackingUrl, boolean orderComplete, List<Line> lines, String erpReference) {
    }

    record Line(String sku, String shopLineId, BigDecimal quantity) {
    }

    /**
     * Reads and checks the request; sets the variables {@code writeToShop}, {@code writeToErp} (which targets get
     * it), {@code erpReference} (when the request names it; else the route asks the shop's order for it) and
     * {@code packageKey} ({@code <orderKey>/<packageId>}, for the log).
     */
    public void prepare(Exchange exchange) throws IOException {
        Package pkg = read(exchange.getMessage().getBody(String.class));
        exchange.getMessage().setHeader("orderKey", pkg.orderKey());
        exchange.setVariable("writeToShop", targets.shop());
        exchange.setVariable("writeToErp", targets.erp());
        exchange.setVariable("erpReference", pkg.erpReference());
        exchange.setVariable("packageKey", pkg.orderKey() + "/" + pkg.packageId());
    }

    /** Records the package in its shop (once per package: the platform looks for it first). */
    public void writeToShop(Exchange exchange) throws IOException, InterruptedException {
        Package pkg = read(exchange.getMessage().getBody(String.class));
        OrderflowProperties.Channel settings = properties.getChannels().get(pkg.channel());
        if (settings == null) {
            throw new UnprocessableEventException("package " + pkg.packageId() + ": no channel " + pkg.channel() + " is configured");
        }
        if (settings.getApi().getBaseUrl() == null || settings.getApi().getBaseUrl().isBlank()) {
            throw new UnprocessableEventException("package " + pkg.packageId() + ": orderflow.channels." + pkg.channel()
                    + ".api.base-url is not configured, so the shop cannot get its tracking");
        }
        ShopPlatform platform = platforms.forType(settings.getType());
        if (!platform.supportsFulfilment()) {
            throw new UnprocessableEventException("package " + pkg.packageId() + ": shop platform " + platform.name()
                    + " has no fulfilment write-back");
        }
        List<ShopPlatform.ShippedLine> lines = new ArrayList<>();
        for (Line line : pkg.lines()) {
            if (line.quantity().stripTrailingZeros().scale() > 0) {
                throw new UnprocessableEventException("package " + pkg.packageId() + ": quantity " + line.quantity()
                        + " of " + line.sku() + " is not a whole number; the shop fulfils whole items");
            }
            lines.add(new ShopPlatform.ShippedLine(line.shopLineId(), line.sku(), line.quantity().longValueExact()));
        }
        ShopPlatform.Shipment shipment = new ShopPlatform.Shipment(pkg.shopOrderId(), pkg.packageId(), lines, pkg.carrier(),
                pkg.service(), pkg.trackingNumber(), pkg.trackingUrl(), pkg.orderComplete());
        ShopPlatform.ShopFulfilment result;
        try {
            result = platform.writeFulfilment(new ShopChannel(pkg.channel(), settings), shipment);
        } catch (IOException e) {
            throw new WritebackUnavailableException("shop " + pkg.channel() + ": " + e.getMessage(), e);
        }
        count("shop", result.alreadyThere());
        if (result.alreadyThere()) {
            LOG.info("Package {} of order {} is in shop {} already ({}): nothing written", pkg.packageId(), pkg.orderKey(),
                    pkg.channel(), result.id());
        } else {
            LOG.info("Package {} of order {} written to shop {} ({}), tracking {} {}", pkg.packageId(), pkg.orderKey(),
                    pkg.channel(), result.id(), pkg.carrier(), pkg.trackingNumber());
        }
    }

    /**
     * Route step after the shop's order was fetched and mapped (variable {@code shopOrder}, the canonical order, or
     * empty when the shop does not know it): its {@code erpReference} becomes the variable of that name.
     */
    public void erpReferenceFromShopOrder(Exchange exchange) throws IOException {
        String shopOrder = exchange.getVariable("shopOrder", String.class);
        String orderKey = exchange.getMessage().getHeader("orderKey", String.class);
        if (shopOrder == null || shopOrder.isBlank()) {
            throw new UnprocessableEventException("the shop does not know order " + orderKey
                    + ": its ERP reference cannot be found");
        }
        String reference = mapper.readTree(shopOrder).path("erpReference").asText("");
        if (reference.isBlank()) {
            throw new UnprocessableEventException("the shop's order " + orderKey + " maps to no erpReference");
        }
        exchange.setVariable("erpReference", reference);
    }

    /** Records the package in the ERP on the order with the variable {@code erpReference} (once per package). */
    public void writeToErp(Exchange exchange) throws IOException {
        Package pkg = read(exchange.getMessage().getBody(String.class));
        String reference = exchange.getVariable("erpReference", String.class);
        List<ErpClient.DeliveredLine> lines = new ArrayList<>();
        for (Line line : pkg.lines()) {
            if (line.sku() == null || line.sku().isBlank()) {
                throw new UnprocessableEventException("package " + pkg.packageId() + ": a line without SKU (shop line "
                        + line.shopLineId() + ") cannot be delivered in the ERP");
            }
            lines.add(new ErpClient.DeliveredLine(line.sku(), line.quantity()));
        }
        ErpClient.DeliveryResult result = erp.deliver(reference,
                new ErpClient.Delivery(pkg.packageId(), pkg.trackingNumber(), pkg.carrier(), lines));
        count("erp", result.alreadyThere());
        if (result.alreadyThere()) {
            LOG.info("Package {} of order {} is delivered in the ERP already ({}): nothing written", pkg.packageId(),
                    pkg.orderKey(), result.id());
        } else {
            LOG.info("Package {} of order {} delivered in the ERP: {} (reference {})", pkg.packageId(), pkg.orderKey(),
                    result.id(), reference);
        }
    }

    private void count(String target, boolean alreadyThere) {
        meters.counter("orderflow.writeback.packages", "target", target, "result", alreadyThere ? "already-there" : "written")
                .increment();
    }

    /** The request, checked: what every target needs is there. */
    Package read(String body) throws IOException {
        JsonNode r = mapper.readTree(body == null ? "" : body);
        if (r == null || !r.isObject()) {
            throw new UnprocessableEventException("a write-back request must be a JSON object");
        }
        String orderKey = required(r, "orderKey");
        String channel = r.path("channel").asText(orderKey.contains(":") ? orderKey.substring(0, orderKey.indexOf(':')) : "");
        String shopOrderId = r.path("shopOrderId").asText(orderKey.substring(orderKey.indexOf(':') + 1));
        String packageId = required(r, "packageId");
        String trackingNumber = required(r, "trackingNumber");
        JsonNode lineNodes = r.path("lines");
        if (!lineNodes.isArray() || lineNodes.isEmpty()) {
            throw new UnprocessableEventException("package " + packageId + " of order " + orderKey + " has no lines");
        }
        List<Line> lines = new ArrayList<>();
        for (JsonNode line : lineNodes) {
            String sku = text(line, "sku");
            String shopLineId = text(line, "shopLineId");
            if (sku == null && shopLineId == null) {
                throw new UnprocessableEventException("package " + packageId + ": a line with neither sku nor shopLineId");
            }
            BigDecimal quantity;
            try {
                quantity = new BigDecimal(line.path("quantity").asText());
            } catch (NumberFormatException e) {
                throw new UnprocessableEventException("package " + packageId + ": quantity '" + line.path("quantity").asText()
                        + "' of " + (sku != null ? sku : shopLineId) + " is not a number");
            }
            if (quantity.signum() <= 0) {
                throw new UnprocessableEventException("package " + packageId + ": quantity " + quantity.toPlainString()
                        + " of " + (sku != null ? sku : shopLineId) + " is not positive");
            }
            lines.add(new Line(sku, shopLineId, quantity));
        }
        return new Package(orderKey, channel, shopOrderId, packageId, text(r, "carrier"), text(r, "service"), trackingNumber,
                text(r, "trackingUrl"), r.path("orderComplete").asBoolean(false), lines, text(r, "erpReference"));
    }

    private static String required(JsonNode r, String field) {
        String value = text(r, field);
        if (value == null) {
            throw new UnprocessableEventException("the write-back request has no " + field
                    + (r.hasNonNull("orderKey") ? " (order " + r.path("orderKey").asText() + ")" : ""));
        }
        return value;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isValueNode() && !value.isNull() && !value.asText().isBlank() ? value.asText() : null;
    }
}

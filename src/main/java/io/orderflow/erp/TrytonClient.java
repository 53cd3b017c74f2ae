package io.orderflow.erp;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderflow.config.OrderflowProperties;
import io.orderflow.config.OrderflowProperties.ShortagePolicy;
import io.orderflow.review.UnprocessableEventException;

/**
 * Tryton (6.0) over JSON-RPC: {@code POST <url>/<database>/ {"method", "params", "id"}}.
 * <ul>
 * <li>Session: {@code common.db.login} once, then {@code Authorization: Session base64(user:uid:session)}; a 401
 * (expired session) logs in again and repeats the call once.</li>
 * <li>Every model call carries the user's context (company, language from {@code res.user.get_preferences}) as its
 * last positional parameter.</li>
 * <li>Errors come as HTTP 200 with {@code "error": [type, args]}: {@code UserError} is a business refusal (review, with
 * Tryton's message); {@code UserWarning} (e.g. the stock-quantity warning on quote/confirm) is acknowledged only when
 * the shortage policy is backorder; other server exceptions are refused too, except database-lock ones (retried).</li>
 * <li>Workflow buttons (quote, confirm) answer null whatever happened: the sale's state is read back.</li>
 * </ul>
 * Quantities are reservable quantities: product quantity in the storage location with context {@code stock_assign}.
 */
public class TrytonClient extends HttpErpClient {

    private final AtomicLong ids = new AtomicLong();
    private volatile String authorization;
    private volatile long userId;
    private volatile ObjectNode context;
    private volatile Long storageLocation;
    /** product id -> its unit and account category, from the last product lookup. */
    private final Map<String, JsonNode> productDetails = new java.util.concurrent.ConcurrentHashMap<>();

    public TrytonClient(OrderflowProperties.Erp settings, ErpHttp http, ObjectMapper mapper, ErpMappings mappings) {
        super(settings, http, mapper, mappings);
    }

    @Override
    public Optional<ErpOrder> findOrder(String reference) {
        JsonNode found = call("model.sale.sale.search_read", params(
                // A cancelled sale does not count: a replay after cancelling a wrong one creates it anew.
                List.of(List.of("reference", "=", reference), List.of("state", "!=", "cancelled")), 0, 2, null,
                List.of("number", "state")));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        JsonNode sale = found.get(0);
        String state = sale.path("state").asText();
        return Optional.of(new ErpOrder(sale.path("id").asText(), sale.path("number").asText(null),
                state.equals("confirmed") || state.equals("processing") || state.equals("done")));
    }

    @Override
    public String findOrCreateCustomer(JsonNode order) {
        JsonNode found = call("model.party.contact_mechanism.search_read", params(
                List.of(List.of("type", "=", "email"), List.of("value", "=", order.at("/customer/email").asText())),
                0, 1, null, List.of("party")));
        if (!found.isEmpty()) {
            return found.get(0).path("party").asText();
        }
        ObjectNode values = (ObjectNode) mappings.map("tryton-party.jsonata", order);
        values.set("contact_mechanisms", action("create", values.path("contact_mechanisms")));
        values.set("addresses", action("create", values.path("addresses")));
        return call("model.party.party.create", params(List.of(values))).path(0).asText();
    }

    @Override
    public Map<String, ErpProduct> products(Collection<String> skus) {
        ObjectNode stockContext = context().deepCopy();
        stockContext.putArray("locations").add(storageLocation());
        stockContext.put("stock_assign", true);
        ArrayNode p = mapper.createArrayNode();
        p.add(mapper.valueToTree(List.of(List.of("code", "in", skus)))).add(0).addNull().addNull()
                .add(mapper.valueToTree(List.of("code", "quantity", "default_uom", "account_category")))
                .add(stockContext);
        Map<String, ErpProduct> products = new LinkedHashMap<>();
        for (JsonNode product : call("model.product.product.search_read", p)) {
            productDetails.put(product.path("id").asText(), product);
            products.put(product.path("code").asText(), new ErpProduct(product.path("id").asText(),
                    product.path("code").asText(), product.path("quantity").decimalValue()));
        }
        return products;
    }

    @Override
    public ErpOrder createOrder(JsonNode order, OrderAmounts amounts, Charges charges, String customerId,
            Map<String, ErpProduct> products) {
        JsonNode addresses = call("model.party.party.read", params(List.of(Long.parseLong(customerId)), List.of("addresses")));
        JsonNode address = addresses.path(0).path("addresses").path(0);
        Map<String, JsonNode> details = new LinkedHashMap<>();
        products.forEach((sku, pr) -> details.put(sku, productDetails.get(pr.id())));
        List<TrytonSaleLines.SaleLine> saleLines = TrytonSaleLines.of(amounts);
        boolean discounted = saleLines.stream().anyMatch(l -> l.kind() == TrytonSaleLines.Kind.discount);
        JsonNode shippingProduct = amounts.shipping().isEmpty() ? null
                : chargeProduct(charges.shippingProduct(), "shipping", "shipping-product");
        JsonNode discountProduct = discounted ? chargeProduct(charges.discountProduct(), "discount", "discount-product") : null;
        Map<String, JsonNode> taxesByCategory = taxesByCategory(details.values(), shippingProduct);

        ArrayNode lines = mapper.createArrayNode();
        for (TrytonSaleLines.SaleLine line : saleLines) {
            JsonNode product = switch (line.kind()) {
                case product -> details.get(line.sku());
                case discount -> discountProduct;
                case shipping -> shippingProduct;
            };
            // A discount line is taxed like the line it reduces (a shipping charge's has no SKU).
            JsonNode taxSource = line.sku() == null ? shippingProduct : details.get(line.sku());
            // The category's taxes where the shop charged tax; none where it did not (an untaxed line must not get them).
            JsonNode taxes = line.rate().signum() == 0 ? mapper.createArrayNode()
                    : taxesByCategory.getOrDefault(taxSource.path("account_category").asText(), mapper.createArrayNode());
            ObjectNode saleLine = mapper.createObjectNode().put("kind", line.kind().name())
                    .put("product", product.path("id").asLong()).put("quantity", line.quantity())
                    .put("description", line.description()).put("unitPrice", line.unitPrice().toPlainString());
            saleLine.set("unit", product.path("default_uom"));
            saleLine.set("taxes", taxes);
            lines.add(saleLine);
        }
        ObjectNode input = mapper.createObjectNode().put("party", Long.parseLong(customerId));
        input.set("address", address);
        input.set("order", order);
        input.set("saleLines", lines);
        ObjectNode values = (ObjectNode) mappings.map("tryton-sale.jsonata", input);
        for (JsonNode line : values.path("lines")) {
            ((ObjectNode) line).set("taxes", action("add", line.path("taxes")));
        }
        values.set("lines", action("create", values.path("lines")));
        String id = call("model.sale.sale.create", params(List.of(values))).path(0).asText();
        return new ErpOrder(id, null, false);
    }

    @Override
    public BigDecimal orderTotal(ErpOrder order) {
        JsonNode total = call("model.sale.sale.read", params(List.of(Long.parseLong(order.id())), List.of("total_amount")))
                .path(0).path("total_amount");
        // Tryton answers Decimals as {"__class__": "Decimal", "decimal": "25.00"}.
        return new BigDecimal(total.isObject() ? total.path("decimal").asText() : total.asText());
    }

    /** A service product for charges (shipping, discount) by its code: its id, unit and account category. */
    private JsonNode chargeProduct(String code, String what, String setting) {
        if (code == null || code.isBlank()) {
            throw new ErpRejectedException("the order has a " + what + " but no Tryton product is configured for it: set "
                    + "orderflow.erp.charges." + setting + " (or the channel's erp." + setting + ") to a product code");
        }
        JsonNode found = call("model.product.product.search_read", params(List.of(List.of("code", "=", code)), 0, 1, null,
                List.of("code", "default_uom", "account_category")));
        if (found.isEmpty()) {
            throw new ErpRejectedException("the " + what + " product " + code + " (orderflow.erp.charges." + setting
                    + ") is not in Tryton");
        }
        return found.get(0);
    }

    /** The customer taxes of each product category involved, by category id. */
    private Map<String, JsonNode> taxesByCategory(Collection<JsonNode> products, JsonNode shippingProduct) {
        List<Long> categories = new ArrayList<>();
        List<JsonNode> all = new ArrayList<>(products);
        if (shippingProduct != null) {
            all.add(shippingProduct);
        }
        for (JsonNode product : all) {
            JsonNode category = product.path("account_category");
            if (category.isIntegralNumber() && !categories.contains(category.asLong())) {
                categories.add(category.asLong());
            }
        }
        Map<String, JsonNode> taxes = new LinkedHashMap<>();
        if (!categories.isEmpty()) {
            for (JsonNode category : call("model.product.category.read", params(categories, List.of("customer_taxes_used")))) {
                taxes.put(category.path("id").asText(), category.path("customer_taxes_used"));
            }
        }
        return taxes;
    }

    @Override
    public void confirmAndReserve(ErpOrder order) {
        long id = Long.parseLong(order.id());
        if (!order.confirmed()) {
            if (state(id).equals("draft")) {
                button(id, "quote");
            }
            if (state(id).equals("quotation")) {
                button(id, "confirm");
            }
            call("model.sale.sale.process", params(List.of(id)));
            String state = state(id);
            if (!state.equals("confirmed") && !state.equals("processing") && !state.equals("done")) {
                throw new ErpRejectedException("Tryton sale " + id + " is " + state + " after confirmation");
            }
        }
        JsonNode shipments = call("model.sale.sale.read", params(List.of(id), List.of("shipments"))).path(0).path("shipments");
        for (JsonNode shipment : shipments) {
            // true: all reserved; false: partly (moves split into a reserved part and the rest): the shortage
            // policy was applied before confirmation.
            call("model.stock.shipment.out.assign_try", params(List.of(shipment.asLong())));
        }
    }

    /**
     * The package on the sale's customer shipment ({@code stock.shipment.out}, Tryton 6.0): the tracking number in
     * the shipment's {@code reference} (the customer's identifier for the shipment), then
     * <ul>
     * <li>a full shipment (the package ships everything open on it): {@code assign_try} when still waiting, then
     * {@code pick}, {@code pack}, {@code done};</li>
     * <li>a partial one: the shipment is set back to {@code waiting} when assigned (its inventory moves become drafts
     * again), the inventory moves (the outgoing moves when the warehouse picks from its output location) are set to
     * the package's quantities (0 for what it does not ship), then assign, pick, pack (which drops the outgoing moves
     * of quantity 0), done; {@code sale.process} then makes a new shipment for the rest of the sale.</li>
     * </ul>
     * Once per package: a shipment of the sale whose reference is the tracking number and that is done means it was
     * written; one that carries it but is not done (a crash on the way) is completed.
     */
    @Override
    public DeliveryResult deliver(String reference, Delivery delivery) {
        JsonNode sales = call("model.sale.sale.search_read", params(
                List.of(List.of("reference", "=", reference), List.of("state", "!=", "cancelled")), 0, 1, null,
                List.of("number", "state", "shipments")));
        if (sales.isEmpty()) {
            throw new ErpRejectedException("Tryton has no sale with reference " + reference + " to deliver package "
                    + delivery.packageId() + " on");
        }
        long saleId = sales.get(0).path("id").asLong();
        List<Long> shipmentIds = new ArrayList<>();
        sales.get(0).path("shipments").forEach(id -> shipmentIds.add(id.asLong()));
        JsonNode shipments = shipmentIds.isEmpty() ? mapper.createArrayNode() : call("model.stock.shipment.out.read",
                params(shipmentIds, List.of("number", "state", "reference", "inventory_moves", "outgoing_moves")));
        JsonNode target = null;
        for (JsonNode shipment : shipments) {
            if (delivery.trackingNumber().equals(shipment.path("reference").asText(""))
                    && !shipment.path("state").asText().equals("cancelled")) {
                if (shipment.path("state").asText().equals("done")) {
                    return new DeliveryResult(shipment.path("number").asText(shipment.path("id").asText()), true);
                }
                target = shipment;
            }
        }
        if (target == null) {
            for (JsonNode shipment : shipments) {
                String state = shipment.path("state").asText();
                if (!state.equals("done") && !state.equals("cancelled") && !state.equals("draft")) {
                    target = shipment;
                    break;
                }
            }
        }
        if (target == null) {
            throw new ErpRejectedException("Tryton sale " + sales.get(0).path("number").asText(reference)
                    + " has no open customer shipment for package " + delivery.packageId());
        }
        long shipmentId = target.path("id").asLong();
        String name = target.path("number").asText(String.valueOf(shipmentId));
        if (!delivery.trackingNumber().equals(target.path("reference").asText(""))) {
            ObjectNode values = mapper.createObjectNode().put("reference", delivery.trackingNumber());
            call("model.stock.shipment.out.write", params(List.of(shipmentId), values));
        }
        String state = target.path("state").asText();
        if (state.equals("waiting") || state.equals("assigned")) {
            boolean inventory = !target.path("inventory_moves").isEmpty();
            List<DeliveryAllocation.Slot> slots = slots(target.path(inventory ? "inventory_moves" : "outgoing_moves"));
            Map<String, BigDecimal> quantities = DeliveryAllocation.allocate(slots, delivery, "Tryton shipment " + name);
            if (DeliveryAllocation.partial(slots, quantities)) {
                if (state.equals("assigned")) {
                    // Assigned moves cannot change quantity: back to waiting, the inventory moves become drafts again.
                    call("model.stock.shipment.out.wait", params(List.of(shipmentId)));
                    JsonNode moves = call("model.stock.shipment.out.read", params(List.of(shipmentId),
                            List.of("inventory_moves", "outgoing_moves"))).path(0);
                    slots = slots(moves.path(inventory ? "inventory_moves" : "outgoing_moves"));
                    quantities = DeliveryAllocation.allocate(slots, delivery, "Tryton shipment " + name);
                    state = "waiting";
                }
                for (Map.Entry<String, BigDecimal> entry : quantities.entrySet()) {
                    ObjectNode values = mapper.createObjectNode().put("quantity", entry.getValue().doubleValue());
                    call("model.stock.move.write", params(List.of(Long.parseLong(entry.getKey())), values));
                }
            }
            if (state.equals("waiting")) {
                boolean assigned = call("model.stock.shipment.out.assign_try", params(List.of(shipmentId))).asBoolean(false);
                if (!assigned) {
                    throw new ErpRejectedException("Tryton could not reserve the goods of package " + delivery.packageId()
                            + " on shipment " + name + " (not in stock in Tryton): correct the stock, then replay");
                }
            }
            // assigned -> picked (with a separate output location: the inventory moves are done and the outgoing
            // moves take their quantities; without one, only the state moves on).
            call("model.stock.shipment.out.pick", params(List.of(shipmentId)));
            state = "picked";
        }
        if (state.equals("picked")) {
            call("model.stock.shipment.out.pack", params(List.of(shipmentId)));
            state = "packed";
        }
        if (state.equals("packed")) {
            call("model.stock.shipment.out.done", params(List.of(shipmentId)));
        }
        String after = call("model.stock.shipment.out.read", params(List.of(shipmentId), List.of("state"))).path(0)
                .path("state").asText();
        if (!after.equals("done")) {
            throw new ErpRejectedException("Tryton shipment " + name + " is " + after + " after done");
        }
        // What the package did not ship gets a shipment of its own (nothing when the sale is fully shipped).
        call("model.sale.sale.process", params(List.of(saleId)));
        return new DeliveryResult(name, false);
    }

    /** The open moves (not done or cancelled) with their product's code and quantity. */
    private List<DeliveryAllocation.Slot> slots(JsonNode moveIds) {
        List<Long> ids = new ArrayList<>();
        moveIds.forEach(id -> ids.add(id.asLong()));
        List<DeliveryAllocation.Slot> slots = new ArrayList<>();
        if (ids.isEmpty()) {
            return slots;
        }
        JsonNode moves = call("model.stock.move.read", params(ids, List.of("product", "quantity", "state")));
        List<Long> productIds = new ArrayList<>();
        moves.forEach(move -> productIds.add(move.path("product").asLong()));
        Map<Long, String> codes = new LinkedHashMap<>();
        for (JsonNode product : call("model.product.product.read", params(productIds.stream().distinct().toList(),
                List.of("code")))) {
            codes.put(product.path("id").asLong(), product.path("code").asText(""));
        }
        for (JsonNode move : moves) {
            String moveState = move.path("state").asText();
            if (moveState.equals("done") || moveState.equals("cancelled")) {
                continue;
            }
            slots.add(new DeliveryAllocation.Slot(move.path("id").asText(), codes.get(move.path("product").asLong()),
                    move.path("quantity").decimalValue()));
        }
        return slots;
    }

    private String state(long saleId) {
        return call("model.sale.sale.read", params(List.of(saleId), List.of("state"))).path(0).path("state").asText();
    }

    /** A workflow button; a stock-quantity UserWarning is acknowledged only under the backorder policy. */
    private void button(long saleId, String button) {
        try {
            call("model.sale.sale." + button, params(List.of(saleId)));
        } catch (TrytonWarning warning) {
            if (settings.getShortagePolicy() != ShortagePolicy.backorder) {
                throw new UnprocessableEventException("held for stock: Tryton warns: " + warning.getMessage());
            }
            ObjectNode ack = mapper.createObjectNode().put("user", userId).put("name", warning.name).put("always", false);
            call("model.res.user.warning.create", params(List.of(ack)));
            call("model.sale.sale." + button, params(List.of(saleId)));
        }
    }

    /** Tryton's one2many/many2many write syntax: [[action, [values...]]]. */
    private ArrayNode action(String action, JsonNode values) {
        ArrayNode list = mapper.createArrayNode();
        list.addArray().add(action).add(values.isArray() ? values : mapper.createArrayNode().add(values));
        return list;
    }

    /** Positional parameters followed by the user context. */
    private ArrayNode params(Object... values) {
        ArrayNode p = mapper.createArrayNode();
        for (Object value : values) {
            p.add(mapper.valueToTree(value));
        }
        return p.add(context());
    }

    private ObjectNode context() {
        if (context == null) {
            login();
        }
        return context;
    }

    private long storageLocation() {
        if (storageLocation == null) {
            JsonNode found = call("model.stock.location.search", params(List.of(List.of("code", "=", "STO")), 0, 1, null));
            if (found.isEmpty()) {
                throw new ErpRejectedException("Tryton has no storage location with code STO");
            }
            storageLocation = found.get(0).asLong();
        }
        return storageLocation;
    }

    private synchronized void login() {
        ArrayNode credentials = mapper.createArrayNode().add(settings.getTryton().getUsername());
        credentials.addObject().put("password", settings.getTryton().getPassword());
        credentials.add("en");
        JsonNode session = send("common.db.login", credentials, false);
        if (!session.isArray() || session.size() < 2) {
            throw new ErpRejectedException("Tryton login refused for " + settings.getTryton().getUsername());
        }
        userId = session.get(0).asLong();
        authorization = "Session " + Base64.getEncoder().encodeToString((settings.getTryton().getUsername() + ":" + userId + ":"
                + session.get(1).asText()).getBytes(StandardCharsets.UTF_8));
        ArrayNode preferencesParams = mapper.createArrayNode().add(true);
        preferencesParams.addObject();
        JsonNode preferences = send("model.res.user.get_preferences", preferencesParams, true);
        context = mapper.createObjectNode();
        context.set("company", preferences.path("company"));
        context.put("language", preferences.path("language").asText("en"));
    }

    private JsonNode call(String method, ArrayNode params) {
        if (authorization == null) {
            login();
        }
        try {
            return send(method, params, true);
        } catch (SessionExpired expired) {
            login();
            params.set(params.size() - 1, context);
            return send(method, params, true);
        }
    }

    private JsonNode send(String method, ArrayNode params, boolean authenticated) {
        ObjectNode body = mapper.createObjectNode().put("method", method).put("id", ids.incrementAndGet());
        body.set("params", params);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + "/" + settings.getTryton().getDatabase() + "/"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (authenticated) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response = http.send(request);
        if (response.statusCode() == 401 && authenticated) {
            throw new SessionExpired();
        }
        if (response.statusCode() == 401 || response.statusCode() == 403) {
            throw new ErpRejectedException("Tryton refused " + method + " (HTTP " + response.statusCode() + ")");
        }
        if (response.statusCode() >= 400) {
            throw new ErpUnavailableException("Tryton answered HTTP " + response.statusCode() + " to " + method);
        }
        JsonNode answer;
        try {
            answer = mapper.readTree(response.body());
        } catch (IOException e) {
            throw new ErpUnavailableException("Tryton answered something that is not JSON to " + method, e);
        }
        JsonNode error = answer.path("error");
        if (!error.isMissingNode() && !error.isNull()) {
            String type = error.path(0).asText();
            // Slot 3 of a domain-validation error can hold tens of KB of field definitions: only the message is kept.
            String message = error.path(1).isArray() ? error.path(1).path(0).asText() : error.path(1).asText();
            if (type.equals("UserWarning")) {
                throw new TrytonWarning(error.path(1).path(0).asText(), error.path(1).path(1).asText());
            }
            if (type.equals("UserError")) {
                throw new ErpRejectedException("Tryton " + method + ": " + message
                        + (error.path(1).path(1).asText("").isBlank() ? "" : " (" + error.path(1).path(1).asText() + ")"));
            }
            if (type.toLowerCase().contains("lock") || type.toLowerCase().contains("concurrent")) {
                throw new ErpUnavailableException("Tryton busy on " + method + ": " + type);
            }
            throw new ErpRejectedException("Tryton " + method + " failed: " + type);
        }
        return answer.path("result");
    }


    private static final class SessionExpired extends RuntimeException {
        SessionExpired() {
            super(null, null, false, false);
        }
    }

    private static final class TrytonWarning extends RuntimeException {
        final String name;

        TrytonWarning(String name, String message) {
            super(message, null, false, false);
            this.name = name;
        }
    }

    /**
     * {@code stock.move} records created or written at or after the watermark minus the overlap (a receipt, an
     * inventory, a reservation, a shipment or a cancellation creates or writes moves), then their products'
     * reservable quantities as {@link #products} reads them (storage location, {@code stock_assign}). The next
     * watermark is the newest move {@code create_date}/{@code write_date} seen (Tryton's clock, UTC). Without a
     * watermark: every product with a code, and the newest move as the watermark.
     */
    @Override
    public StockChanges stockChangedSince(String watermark, java.time.Duration overlap) {
        String next = watermark;
        ArrayNode productDomain = mapper.createArrayNode();
        // Goods only: the shipping and discount service products have no stock to show in a shop.
        productDomain.addArray().add("type").add("=").add("goods");
        if (watermark == null) {
            productDomain.addArray().add("code").add("!=").addNull();
            for (String field : List.of("create_date", "write_date")) {
                ArrayNode p = mapper.createArrayNode();
                ArrayNode written = p.addArray();
                written.addArray().add(field).add("!=").addNull();
                p.add(0).add(1)
                        .add(mapper.valueToTree(List.of(List.of(field, "DESC")))).add(mapper.valueToTree(List.of(field)))
                        .add(context());
                next = ErpTimestamps.max(next, timestamp(call("model.stock.move.search_read", p).path(0).path(field)));
            }
        } else {
            JsonNode since = datetime(ErpTimestamps.minus(watermark, overlap));
            ArrayNode domain = mapper.createArrayNode().add("OR");
            domain.addArray().add("write_date").add(">=").add(since);
            domain.addArray().add("create_date").add(">=").add(since);
            ArrayNode p = mapper.createArrayNode();
            p.add(domain).add(0).addNull().addNull()
                    .add(mapper.valueToTree(List.of("product", "create_date", "write_date"))).add(context());
            java.util.Set<Long> productIds = new java.util.LinkedHashSet<>();
            for (JsonNode move : call("model.stock.move.search_read", p)) {
                productIds.add(move.path("product").asLong());
                next = ErpTimestamps.max(next, timestamp(move.path("create_date")));
                next = ErpTimestamps.max(next, timestamp(move.path("write_date")));
            }
            if (productIds.isEmpty()) {
                return new StockChanges(Map.of(), next);
            }
            productDomain.add(mapper.valueToTree(List.of("id", "in", productIds)));
        }
        ObjectNode stockContext = context().deepCopy();
        stockContext.putArray("locations").add(storageLocation());
        stockContext.put("stock_assign", true);
        ArrayNode p = mapper.createArrayNode();
        p.add(productDomain).add(0).addNull().addNull()
                .add(mapper.valueToTree(List.of("code", "quantity"))).add(stockContext);
        Map<String, java.math.BigDecimal> free = new LinkedHashMap<>();
        for (JsonNode product : call("model.product.product.search_read", p)) {
            if (!product.path("code").asText("").isBlank()) {
                free.put(product.path("code").asText(), product.path("quantity").decimalValue());
            }
        }
        return new StockChanges(free, next);
    }

    /**
     * Customer shipments ({@code stock.shipment.out}) in state {@code done} written at or after the watermark minus
     * the overlap (done writes the shipment: {@code write_date}, Tryton's clock, UTC), oldest first, with their
     * tracking number ({@code reference}, as the write-back writes it), their done outgoing moves (product code and
     * quantity) and the sale those moves come from ({@code origin} = {@code sale.line,<id>}: its sale's
     * {@code reference}). No carrier (a field of optional modules). The next watermark is the newest
     * {@code write_date} read.
     */
    @Override
    public DoneDeliveries deliveriesDoneSince(String watermark, java.time.Duration overlap) {
        ArrayNode domain = mapper.createArrayNode();
        domain.addArray().add("state").add("=").add("done");
        domain.addArray().add("write_date").add(">=").add(datetime(ErpTimestamps.minus(watermark, overlap)));
        ArrayNode p = mapper.createArrayNode();
        p.add(domain).add(0).addNull().add(mapper.valueToTree(List.of(List.of("write_date", "ASC"), List.of("id", "ASC"))))
                .add(mapper.valueToTree(List.of("number", "reference", "write_date", "outgoing_moves"))).add(context());
        JsonNode shipments = call("model.stock.shipment.out.search_read", p);
        String next = watermark;
        if (shipments.isEmpty()) {
            return new DoneDeliveries(List.of(), next);
        }
        List<Long> moveIds = new ArrayList<>();
        for (JsonNode shipment : shipments) {
            shipment.path("outgoing_moves").forEach(id -> moveIds.add(id.asLong()));
            next = ErpTimestamps.max(next, timestamp(shipment.path("write_date")));
        }
        JsonNode moves = moveIds.isEmpty() ? mapper.createArrayNode()
                : call("model.stock.move.read", params(moveIds, List.of("product", "quantity", "state", "origin")));
        Map<Long, JsonNode> movesById = new LinkedHashMap<>();
        java.util.Set<Long> productIds = new java.util.LinkedHashSet<>();
        java.util.Set<Long> saleLineIds = new java.util.LinkedHashSet<>();
        for (JsonNode move : moves) {
            movesById.put(move.path("id").asLong(), move);
            productIds.add(move.path("product").asLong());
            String origin = move.path("origin").asText("");
            if (origin.startsWith("sale.line,")) {
                saleLineIds.add(Long.parseLong(origin.substring("sale.line,".length())));
            }
        }
        Map<Long, String> codes = new LinkedHashMap<>();
        if (!productIds.isEmpty()) {
            for (JsonNode product : call("model.product.product.read", params(new ArrayList<>(productIds), List.of("code")))) {
                codes.put(product.path("id").asLong(), product.path("code").asText(null));
            }
        }
        Map<Long, Long> saleOfLine = new LinkedHashMap<>();
        if (!saleLineIds.isEmpty()) {
            for (JsonNode line : call("model.sale.line.read", params(new ArrayList<>(saleLineIds), List.of("sale")))) {
                saleOfLine.put(line.path("id").asLong(), line.path("sale").asLong());
            }
        }
        Map<Long, String> references = new LinkedHashMap<>();
        if (!saleOfLine.isEmpty()) {
            for (JsonNode sale : call("model.sale.sale.read", params(saleOfLine.values().stream().distinct().toList(),
                    List.of("reference")))) {
                String reference = sale.path("reference").asText("");
                references.put(sale.path("id").asLong(), reference.isBlank() ? null : reference);
            }
        }
        List<DoneDelivery> done = new ArrayList<>();
        for (JsonNode shipment : shipments) {
            Map<String, BigDecimal> lines = new LinkedHashMap<>();
            String reference = null;
            for (JsonNode id : shipment.path("outgoing_moves")) {
                JsonNode move = movesById.get(id.asLong());
                if (move == null || !move.path("state").asText().equals("done")) {
                    continue;
                }
                String origin = move.path("origin").asText("");
                if (reference == null && origin.startsWith("sale.line,")) {
                    reference = references.get(saleOfLine.get(Long.parseLong(origin.substring("sale.line,".length()))));
                }
                BigDecimal quantity = move.path("quantity").decimalValue().stripTrailingZeros();
                String code = codes.get(move.path("product").asLong());
                if (quantity.signum() > 0 && code != null && !code.isBlank()) {
                    lines.merge(code, quantity, BigDecimal::add);
                }
            }
            List<DeliveredLine> delivered = new ArrayList<>();
            lines.forEach((sku, quantity) -> delivered.add(new DeliveredLine(sku, quantity)));
            String tracking = shipment.path("reference").asText("");
            String writeDate = timestamp(shipment.path("write_date"));
            done.add(new DoneDelivery(shipment.path("id").asText(), shipment.path("number").asText(shipment.path("id").asText()),
                    reference, writeDate == null ? null : ErpTimestamps.instant(writeDate), null,
                    tracking.isBlank() ? null : tracking, delivered));
        }
        return new DoneDeliveries(done, next);
    }

    /** Tryton's JSON datetime ({"__class__": "datetime", ...}) as "yyyy-MM-dd HH:mm:ss.SSSSSS", or null. */
    private static String timestamp(JsonNode datetime) {
        if (!"datetime".equals(datetime.path("__class__").asText())) {
            return null;
        }
        return String.format("%04d-%02d-%02d %02d:%02d:%02d.%06d", datetime.path("year").asInt(),
                datetime.path("month").asInt(), datetime.path("day").asInt(), datetime.path("hour").asInt(),
                datetime.path("minute").asInt(), datetime.path("second").asInt(), datetime.path("microsecond").asInt());
    }

    private ObjectNode datetime(String timestamp) {
        java.time.LocalDateTime t = ErpTimestamps.parse(timestamp);
        return mapper.createObjectNode().put("__class__", "datetime").put("year", t.getYear())
                .put("month", t.getMonthValue()).put("day", t.getDayOfMonth()).put("hour", t.getHour())
                .put("minute", t.getMinute()).put("second", t.getSecond()).put("microsecond", t.getNano() / 1000);
    }

    /**
     * Cancels the sale with this reference as Tryton 6.0's sale workflow allows (trytond sale module,
     * {@code Sale._transitions}): {@code cancel} only from draft or quotation; a confirmed sale goes back to draft
     * first ({@code draft}); a processing sale (what the ERP stage leaves: {@code process} made its customer
     * shipment) has no transition to cancelled, so its customer shipments that are not done are cancelled
     * ({@code stock.shipment.out.cancel}: their moves are cancelled, which releases the reservation) and the sale
     * stays processing with a shipment exception for a person to close in Tryton (Handle Shipment Exception,
     * ignoring the cancelled moves). A done shipment means it shipped: refused (the return case).
     */
    @Override
    public CancelResult cancelOrder(String reference) {
        JsonNode sales = call("model.sale.sale.search_read", params(List.of(List.of("reference", "=", reference)), 0, 10,
                null, List.of("number", "state", "shipments")));
        if (sales.isEmpty()) {
            return new CancelResult(null, CancelOutcome.NOT_FOUND, null);
        }
        JsonNode sale = null;
        for (JsonNode s : sales) {
            if (!s.path("state").asText().equals("cancelled")) {
                sale = s;
                break;
            }
        }
        if (sale == null) {
            return new CancelResult(sales.get(0).path("number").asText(null), CancelOutcome.ALREADY_CANCELLED, null);
        }
        long id = sale.path("id").asLong();
        String number = sale.path("number").asText(String.valueOf(id));
        String state = sale.path("state").asText();
        switch (state) {
            case "draft", "quotation" -> {
                call("model.sale.sale.cancel", params(List.of(id)));
                return new CancelResult(number, CancelOutcome.CANCELLED, null);
            }
            case "confirmed" -> {
                call("model.sale.sale.draft", params(List.of(id)));
                call("model.sale.sale.cancel", params(List.of(id)));
                return new CancelResult(number, CancelOutcome.CANCELLED, null);
            }
            case "processing" -> {
                List<Long> shipmentIds = new ArrayList<>();
                sale.path("shipments").forEach(s -> shipmentIds.add(s.asLong()));
                JsonNode shipments = shipmentIds.isEmpty() ? mapper.createArrayNode()
                        : call("model.stock.shipment.out.read", params(shipmentIds, List.of("number", "state")));
                List<Long> open = new ArrayList<>();
                for (JsonNode shipment : shipments) {
                    String shipmentState = shipment.path("state").asText();
                    if (shipmentState.equals("done")) {
                        throw new ErpRejectedException("Tryton sale " + number + " (" + reference + ") has the done"
                                + " customer shipment " + shipment.path("number").asText() + ": it shipped, not cancelled");
                    }
                    if (!shipmentState.equals("cancelled")) {
                        open.add(shipment.path("id").asLong());
                    }
                }
                if (open.isEmpty()) {
                    return new CancelResult(number, CancelOutcome.ALREADY_CANCELLED, "Tryton sale " + number
                            + " stays processing: close its shipment exception in Tryton (Handle Shipment Exception)");
                }
                call("model.stock.shipment.out.cancel", params(open));
                return new CancelResult(number, CancelOutcome.CANCELLED, "Tryton sale " + number + " stays processing"
                        + " (Tryton 6.0 cannot cancel a processing sale): its shipments are cancelled and the stock"
                        + " released; close the shipment exception in Tryton (Handle Shipment Exception, ignore)");
            }
            default -> throw new ErpRejectedException("Tryton sale " + number + " (" + reference + ") is " + state
                    + ": not cancelled");
        }
    }
}

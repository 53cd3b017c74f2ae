package io.orderflow.erp;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderflow.config.OrderflowProperties;

/**
 * Odoo over either external API, chosen by orderflow.erp.odoo.api:
 * <ul>
 * <li>{@code jsonrpc}: {@code POST /jsonrpc}, {@code common.login} once for the uid, then {@code object.execute_kw}
 * with the API key as password (Odoo up to 18). Errors arrive as HTTP 200 with an {@code error} object.</li>
 * <li>{@code json2}: {@code POST /json/2/<model>/<method>} with {@code Authorization: bearer <key>} and named
 * parameters (Odoo 19+). Errors arrive as 4xx/5xx with {@code {name, message}}.</li>
 * </ul>
 * Both are called with named parameters ({@code domain}, {@code fields}, {@code vals_list}...) plus {@code ids} for
 * record methods, which execute_kw accepts as kwargs. Odoo's business exceptions (UserError, ValidationError,
 * AccessError, MissingError, AccessDenied) become {@link ErpRejectedException}; anything else is retried.
 */
public class OdooClient extends HttpErpClient {

    private static final Set<String> BUSINESS_ERRORS = Set.of("odoo.exceptions.UserError",
            "odoo.exceptions.ValidationError", "odoo.exceptions.AccessError", "odoo.exceptions.MissingError",
            "odoo.exceptions.AccessDenied", "werkzeug.exceptions.Unauthorized", "werkzeug.exceptions.Forbidden",
            // e.g. "Invalid field 'tax_id' on model 'sale.order.line'": a request this Odoo does not accept, not an outage.
            "builtins.ValueError", "ValueError", "builtins.KeyError");

    private final AtomicLong ids = new AtomicLong();
    private volatile Long uid;

    public OdooClient(OrderflowProperties.Erp settings, ErpHttp http, ObjectMapper mapper, ErpMappings mappings) {
        super(settings, http, mapper, mappings);
    }

    @Override
    public Optional<ErpOrder> findOrder(String reference) {
        JsonNode found = call("sale.order", "search_read", null, Map.of(
                // A cancelled order does not count: a replay after cancelling a wrong draft creates it anew.
                "domain", List.of(List.of("client_order_ref", "=", reference), List.of("state", "!=", "cancel")),
                "fields", List.of("id", "name", "state"), "limit", 1));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        JsonNode order = found.get(0);
        String state = order.path("state").asText();
        return Optional.of(new ErpOrder(order.path("id").asText(), order.path("name").asText(),
                state.equals("sale") || state.equals("done")));
    }

    @Override
    public String findOrCreateCustomer(JsonNode order) {
        String email = order.at("/customer/email").asText();
        JsonNode found = call("res.partner", "search_read", null, Map.of(
                "domain", List.of(List.of("email", "=ilike", email)), "fields", List.of("id"), "limit", 1));
        if (!found.isEmpty()) {
            return found.get(0).path("id").asText();
        }
        ObjectNode input = mapper.createObjectNode();
        input.set("order", order);
        ObjectNode countries = input.putObject("countries");
        ObjectNode states = input.putObject("states");
        for (String field : List.of("billingAddress", "shippingAddress")) {
            JsonNode address = order.path(field);
            String country = address.path("country").asText("");
            if (country.length() == 2 && !countries.has(country)) {
                JsonNode countryFound = call("res.country", "search_read", null, Map.of(
                        "domain", List.of(List.of("code", "=", country.toUpperCase())), "fields", List.of("id"), "limit", 1));
                if (!countryFound.isEmpty()) {
                    countries.put(country, countryFound.get(0).path("id").asLong());
                }
            }
            String region = address.path("region").asText("");
            String key = country + "-" + region;
            if (countries.has(country) && !region.isBlank() && !states.has(key)) {
                JsonNode stateFound = call("res.country.state", "search_read", null, Map.of(
                        "domain", List.of(List.of("country_id", "=", countries.path(country).asLong()),
                                List.of("code", "=", region)), "fields", List.of("id"), "limit", 1));
                if (!stateFound.isEmpty()) {
                    states.put(key, stateFound.get(0).path("id").asLong());
                }
            }
        }
        ObjectNode vals = (ObjectNode) mappings.map("odoo-partner.jsonata", input);
        ArrayNode children = mapper.createArrayNode();
        vals.path("child_ids").forEach(child -> children.add(create(child)));
        vals.set("child_ids", children);
        return firstId(call("res.partner", "create", null, Map.of("vals_list", List.of(vals))));
    }

    @Override
    public Map<String, ErpProduct> products(Collection<String> skus) {
        JsonNode found = call("product.product", "search_read", null, Map.of(
                "domain", List.of(List.of("default_code", "in", skus)),
                "fields", List.of("id", "default_code", "free_qty"), "limit", 200));
        Map<String, ErpProduct> products = new LinkedHashMap<>();
        for (JsonNode p : found) {
            products.put(p.path("default_code").asText(), new ErpProduct(p.path("id").asText(),
                    p.path("default_code").asText(), p.path("free_qty").decimalValue()));
        }
        return products;
    }

    @Override
    public ErpOrder createOrder(JsonNode order, OrderAmounts amounts, Charges charges, String customerId,
            Map<String, ErpProduct> products) {
        ObjectNode input = mapper.createObjectNode();
        input.set("order", order);
        input.put("partnerId", Long.parseLong(customerId));
        ObjectNode productIds = input.putObject("products");
        products.forEach((sku, p) -> productIds.putObject(sku).put("id", Long.parseLong(p.id())));
        input.set("amounts", amounts.toJson(mapper));
        input.set("taxes", taxes(amounts));
        if (!amounts.shipping().isEmpty()) {
            input.put("shippingProductId", chargeProduct(charges.shippingProduct(), "shipping", "shipping-product"));
        }
        if (amounts.all().stream().anyMatch(l -> l.discount().signum() != 0)) {
            input.put("discountProductId", chargeProduct(charges.discountProduct(), "discount", "discount-product"));
        }
        ObjectNode vals = (ObjectNode) mappings.map("odoo-sale-order.jsonata", input);
        ArrayNode commands = mapper.createArrayNode();
        for (JsonNode line : vals.path("order_line")) {
            ObjectNode values = (ObjectNode) line;
            // many2many "replace with these ids"; Odoo 19 (JSON-2) names the field tax_ids.
            // The taxes the shop charged, also none: an untaxed line (shipping in many US states, exempt goods)
            // must not get the product's default taxes.
            JsonNode taxIds = values.remove("tax_id");
            ArrayNode replace = mapper.createArrayNode();
            replace.addArray().add(6).add(0).add(taxIds != null && taxIds.isArray() ? taxIds : mapper.createArrayNode());
            values.set(taxField(), replace);
            commands.add(create(values));
        }
        vals.set("order_line", commands);
        String id = firstId(call("sale.order", "create", null, Map.of("vals_list", List.of(vals))));
        return new ErpOrder(id, null, false);
    }

    @Override
    public BigDecimal orderTotal(ErpOrder order) {
        JsonNode sale = call("sale.order", "read", List.of(Long.parseLong(order.id())), Map.of("fields", List.of("amount_total")));
        return sale.path(0).path("amount_total").decimalValue();
    }

    /**
     * The Odoo sale tax of each rate on the order: percent taxes of that amount, price-included exactly when the
     * shop's prices include tax (Odoo then keeps the customer's gross line amounts). A rate Odoo has no such tax for
     * is a business refusal naming it.
     */
    private ObjectNode taxes(OrderAmounts amounts) {
        ObjectNode taxes = mapper.createObjectNode();
        for (OrderAmounts.Line line : amounts.all()) {
            for (BigDecimal rate : line.rates()) {
                String percent = rate.movePointRight(2).stripTrailingZeros().toPlainString();
                if (taxes.has(percent)) {
                    continue;
                }
                JsonNode found = call("account.tax", "search_read", null, Map.of(
                        "domain", List.of(List.of("type_tax_use", "=", "sale"), List.of("amount_type", "=", "percent"),
                                List.of("amount", "=", new BigDecimal(percent)),
                                List.of("price_include", "=", amounts.taxesIncluded())),
                        "fields", List.of("id", "name"), "limit", 1));
                if (found.isEmpty()) {
                    throw new ErpRejectedException("Odoo has no " + (amounts.taxesIncluded() ? "price-included" : "price-excluded")
                            + " sale tax of " + percent + " %: create it (Accounting > Configuration > Taxes), then replay");
                }
                taxes.put(percent, found.get(0).path("id").asLong());
            }
        }
        return taxes;
    }

    private long chargeProduct(String code, String what, String setting) {
        if (code == null || code.isBlank()) {
            throw new ErpRejectedException("the order has a " + what + " but no Odoo product is configured for it: set "
                    + "orderflow.erp.charges." + setting + " (or the channel's erp." + setting + ") to a product's internal reference");
        }
        JsonNode found = call("product.product", "search_read", null, Map.of(
                "domain", List.of(List.of("default_code", "=", code)), "fields", List.of("id"), "limit", 1));
        if (found.isEmpty()) {
            throw new ErpRejectedException("the " + what + " product " + code + " (orderflow.erp.charges." + setting
                    + ") is not in Odoo");
        }
        return found.get(0).path("id").asLong();
    }

    /**
     * The sale line's tax field: orderflow.erp.odoo.line-tax-field, else tax_id (JSON-RPC, Odoo up to 18) or tax_ids
     * (JSON-2, Odoo 19, where the field was renamed).
     */
    private String taxField() {
        String configured = settings.getOdoo().getLineTaxField();
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        return settings.getOdoo().getApi() == OrderflowProperties.OdooApi.json2 ? "tax_ids" : "tax_id";
    }

    /** Odoo's x2many "create" command: [0, 0, values]. */
    private ArrayNode create(JsonNode values) {
        return mapper.createArrayNode().add(0).add(0).add(values);
    }

    @Override
    public void confirmAndReserve(ErpOrder order) {
        long id = Long.parseLong(order.id());
        if (!order.confirmed()) {
            // Confirmation creates the delivery order (stock.picking) and reserves what is available.
            call("sale.order", "action_confirm", List.of(id), Map.of());
        }
        JsonNode sale = call("sale.order", "read", List.of(id), Map.of("fields", List.of("picking_ids")));
        JsonNode pickings = sale.path(0).path("picking_ids");
        if (pickings.isArray() && !pickings.isEmpty()) {
            List<Long> pickingIds = mapper.convertValue(pickings, mapper.getTypeFactory()
                    .constructCollectionType(List.class, Long.class));
            call("stock.picking", "action_assign", pickingIds, Map.of());
        }
    }

    /** One Odoo method call; {@code ids} for record methods, named parameters otherwise. */
    JsonNode call(String model, String method, List<Long> recordIds, Map<String, Object> params) {
        return settings.getOdoo().getApi() == OrderflowProperties.OdooApi.json2
                ? callJson2(model, method, recordIds, params)
                : callJsonRpc(model, method, recordIds, params);
    }

    private JsonNode callJson2(String model, String method, List<Long> recordIds, Map<String, Object> params) {
        ObjectNode body = mapper.valueToTree(params);
        if (recordIds != null) {
            body.set("ids", mapper.valueToTree(recordIds));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + "/json/2/" + model + "/" + method))
                .header("Content-Type", "application/json")
                .header("Authorization", "bearer " + settings.getOdoo().getApiKey())
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (settings.getOdoo().getDatabase() != null) {
            request.header("X-Odoo-Database", settings.getOdoo().getDatabase());
        }
        HttpResponse<String> response = http.send(request);
        JsonNode answer = parse(response.body());
        if (response.statusCode() >= 400) {
            String name = answer.path("name").asText();
            String message = answer.path("message").asText("HTTP " + response.statusCode());
            if (BUSINESS_ERRORS.contains(name) || response.statusCode() == 401 || response.statusCode() == 403
                    || response.statusCode() == 422) {
                throw new ErpRejectedException("Odoo " + model + "." + method + ": " + message);
            }
            throw new ErpUnavailableException("Odoo " + model + "." + method + " failed: " + name + ": " + message);
        }
        return answer;
    }

    private JsonNode callJsonRpc(String model, String method, List<Long> recordIds, Map<String, Object> params) {
        long userId = login();
        ArrayNode args = mapper.createArrayNode().add(settings.getOdoo().getDatabase()).add(userId).add(settings.getOdoo().getApiKey())
                .add(model).add(method);
        // execute_kw(db, uid, key, model, method, args, kwargs): record ids are the one positional argument.
        ArrayNode positional = args.addArray();
        if (recordIds != null) {
            positional.add(mapper.valueToTree(recordIds));
        }
        args.add(mapper.valueToTree(params));
        return rpc("object", "execute_kw", args, model + "." + method);
    }

    private long login() {
        Long known = uid;
        if (known != null) {
            return known;
        }
        ArrayNode args = mapper.createArrayNode().add(settings.getOdoo().getDatabase()).add(settings.getOdoo().getUsername())
                .add(settings.getOdoo().getApiKey());
        JsonNode result = rpc("common", "login", args, "login");
        if (!result.isIntegralNumber()) {
            throw new ErpRejectedException("Odoo login refused for " + settings.getOdoo().getUsername()
                    + " on database " + settings.getOdoo().getDatabase());
        }
        uid = result.asLong();
        return uid;
    }

    private JsonNode rpc(String service, String method, ArrayNode args, String what) {
        ObjectNode body = mapper.createObjectNode().put("jsonrpc", "2.0").put("method", "call")
                .put("id", ids.incrementAndGet());
        body.putObject("params").put("service", service).put("method", method).set("args", args);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base() + "/jsonrpc"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
        if (response.statusCode() >= 400) {
            throw new ErpUnavailableException("Odoo " + what + " answered HTTP " + response.statusCode());
        }
        JsonNode answer = parse(response.body());
        JsonNode error = answer.path("error");
        if (!error.isMissingNode() && !error.isNull()) {
            String name = error.at("/data/name").asText();
            String message = error.at("/data/message").asText(error.path("message").asText());
            if (BUSINESS_ERRORS.contains(name)) {
                throw new ErpRejectedException("Odoo " + what + ": " + message);
            }
            throw new ErpUnavailableException("Odoo " + what + " failed: " + name + ": " + message);
        }
        return answer.path("result");
    }

    private JsonNode parse(String body) {
        try {
            return mapper.readTree(body == null || body.isBlank() ? "null" : body);
        } catch (IOException e) {
            throw new ErpUnavailableException("Odoo answered something that is not JSON", e);
        }
    }

    private static String firstId(JsonNode created) {
        JsonNode id = created.isArray() ? created.path(0) : created;
        if (!id.isIntegralNumber()) {
            throw new ErpUnavailableException("Odoo create returned no id: " + created);
        }
        return id.asText();
    }

    /**
     * {@code stock.quant} and {@code stock.move} records written at or after the watermark minus the overlap (a
     * reservation, receipt, correction or delivery writes them; a quant emptied to zero may be deleted, its move is
     * not), then their products' {@code free_qty} ({@code product.product} with a {@code default_code}). The next
     * watermark is the newest {@code write_date} seen (Odoo's clock, UTC). Without a watermark: every product with a
     * SKU, and the newest quant write as the watermark.
     */
    @Override
    public StockChanges stockChangedSince(String watermark, java.time.Duration overlap) {
        // A SKU and stock: services (the shipping and discount products) have nothing to show in a shop.
        List<Object> hasSku = List.of("default_code", "!=", false);
        List<Object> notService = List.of("type", "!=", "service");
        String next = watermark;
        List<Object> productDomain;
        if (watermark == null) {
            productDomain = List.of(hasSku, notService);
            for (String model : List.of("stock.quant", "stock.move")) {
                JsonNode newest = call(model, "search_read", null, Map.of("domain", List.of(),
                        "fields", List.of("write_date"), "order", "write_date desc", "limit", 1));
                next = ErpTimestamps.max(next, newest.path(0).path("write_date").asText(null));
            }
        } else {
            String since = ErpTimestamps.minus(watermark, overlap);
            java.util.Set<Long> productIds = new java.util.LinkedHashSet<>();
            for (String model : List.of("stock.quant", "stock.move")) {
                JsonNode written = call(model, "search_read", null, Map.of(
                        "domain", List.of(List.of("write_date", ">=", since)),
                        "fields", List.of("product_id", "write_date")));
                for (JsonNode record : written) {
                    JsonNode product = record.path("product_id");
                    productIds.add((product.isArray() ? product.path(0) : product).asLong());
                    next = ErpTimestamps.max(next, record.path("write_date").asText(null));
                }
            }
            if (productIds.isEmpty()) {
                return new StockChanges(Map.of(), next);
            }
            productDomain = List.of(List.of("id", "in", productIds), hasSku, notService);
        }
        JsonNode found = call("product.product", "search_read", null, Map.of(
                "domain", productDomain, "fields", List.of("id", "default_code", "free_qty")));
        Map<String, java.math.BigDecimal> free = new LinkedHashMap<>();
        for (JsonNode p : found) {
            free.put(p.path("default_code").asText(), p.path("free_qty").decimalValue());
        }
        return new StockChanges(free, next);
    }

    /**
     * The package on the sale order's outgoing delivery ({@code stock.picking}, {@code picking_type_code} outgoing;
     * one-step delivery), targeting Odoo 17+ field names: per move {@code quantity} (the done quantity; Odoo up to 16:
     * {@code quantity_done}, set orderflow.erp.odoo.move-quantity-field) set to what this package ships of it (0 for
     * the others) and {@code picked} where it ships something (17+ only), the tracking number in
     * {@code carrier_tracking_ref} (a field of the Delivery module, stock_delivery in 17+, delivery before), then
     * {@code button_validate} with context {@code skip_backorder: true}: the rest of the delivery becomes a
     * backorder without the wizard. Once per package: a done delivery of the order that carries the tracking number
     * means it was written; a delivery that carries it but is not done (a crash between writing and validating) is
     * completed.
     */
    @Override
    public DeliveryResult deliver(String reference, Delivery delivery) {
        JsonNode sales = call("sale.order", "search_read", null, Map.of(
                "domain", List.of(List.of("client_order_ref", "=", reference), List.of("state", "!=", "cancel")),
                "fields", List.of("id", "name", "state", "picking_ids"), "limit", 1));
        if (sales.isEmpty()) {
            throw new ErpRejectedException("Odoo has no sale order with reference " + reference + " to deliver package "
                    + delivery.packageId() + " on");
        }
        JsonNode sale = sales.get(0);
        List<Long> pickingIds = longs(sale.path("picking_ids"));
        JsonNode pickings = pickingIds.isEmpty() ? mapper.createArrayNode() : call("stock.picking", "search_read", null, Map.of(
                "domain", List.of(List.of("id", "in", pickingIds), List.of("picking_type_code", "=", "outgoing")),
                "fields", List.of("id", "name", "state", "carrier_tracking_ref"), "order", "id"));
        JsonNode target = null;
        for (JsonNode picking : pickings) {
            if (delivery.trackingNumber().equalsIgnoreCase(picking.path("carrier_tracking_ref").asText(""))) {
                if (picking.path("state").asText().equals("done")) {
                    return new DeliveryResult(picking.path("name").asText(), true);
                }
                if (!picking.path("state").asText().equals("cancel")) {
                    target = picking;
                }
            }
        }
        if (target == null) {
            for (JsonNode picking : pickings) {
                String state = picking.path("state").asText();
                if (!state.equals("done") && !state.equals("cancel") && !state.equals("draft")) {
                    target = picking;
                    break;
                }
            }
        }
        if (target == null) {
            throw new ErpRejectedException("Odoo sale order " + sale.path("name").asText() + " (" + reference
                    + ") has no open outgoing delivery for package " + delivery.packageId());
        }
        long pickingId = target.path("id").asLong();
        JsonNode moves = call("stock.move", "search_read", null, Map.of(
                "domain", List.of(List.of("picking_id", "=", pickingId), List.of("state", "not in", List.of("done", "cancel"))),
                "fields", List.of("id", "product_id", "product_uom_qty"), "order", "id"));
        Map<Long, String> skus = new LinkedHashMap<>();
        java.util.Set<Long> productIds = new java.util.LinkedHashSet<>();
        for (JsonNode move : moves) {
            productIds.add(many2oneId(move.path("product_id")));
        }
        if (!productIds.isEmpty()) {
            for (JsonNode product : call("product.product", "read", new java.util.ArrayList<>(productIds),
                    Map.of("fields", List.of("default_code")))) {
                skus.put(product.path("id").asLong(), product.path("default_code").asText(""));
            }
        }
        List<DeliveryAllocation.Slot> slots = new java.util.ArrayList<>();
        for (JsonNode move : moves) {
            slots.add(new DeliveryAllocation.Slot(move.path("id").asText(), skus.get(many2oneId(move.path("product_id"))),
                    move.path("product_uom_qty").decimalValue()));
        }
        Map<String, BigDecimal> quantities = DeliveryAllocation.allocate(slots, delivery,
                "Odoo delivery " + target.path("name").asText());
        call("stock.picking", "write", List.of(pickingId),
                Map.of("vals", Map.of("carrier_tracking_ref", delivery.trackingNumber())));
        String quantityField = moveQuantityField();
        Map<BigDecimal, List<Long>> byQuantity = new java.util.TreeMap<>();
        quantities.forEach((moveId, quantity) -> byQuantity.computeIfAbsent(quantity, q -> new java.util.ArrayList<>())
                .add(Long.parseLong(moveId)));
        byQuantity.forEach((quantity, ids) -> {
            Map<String, Object> vals = new LinkedHashMap<>();
            vals.put(quantityField, quantity);
            if (quantityField.equals("quantity")) {
                vals.put("picked", quantity.signum() > 0);
            }
            call("stock.move", "write", ids, Map.of("vals", vals));
        });
        JsonNode validated = call("stock.picking", "button_validate", List.of(pickingId),
                Map.of("context", Map.of("skip_backorder", true, "skip_sms", true)));
        String state = call("stock.picking", "read", List.of(pickingId), Map.of("fields", List.of("state")))
                .path(0).path("state").asText();
        if (!state.equals("done")) {
            throw new ErpRejectedException("Odoo did not validate delivery " + target.path("name").asText() + " (state "
                    + state + (validated.isObject() ? ", Odoo asks for " + validated.path("res_model").asText("a wizard") : "")
                    + ")");
        }
        return new DeliveryResult(target.path("name").asText(), false);
    }

    /** The stock.move field of the done quantity: quantity (Odoo 17+), or orderflow.erp.odoo.move-quantity-field. */
    private String moveQuantityField() {
        String configured = settings.getOdoo().getMoveQuantityField();
        return configured == null || configured.isBlank() ? "quantity" : configured;
    }

    private static long many2oneId(JsonNode value) {
        return (value.isArray() ? value.path(0) : value).asLong();
    }

    private List<Long> longs(JsonNode array) {
        List<Long> values = new java.util.ArrayList<>();
        array.forEach(v -> values.add(v.asLong()));
        return values;
    }

    /**
     * Outgoing {@code stock.picking}s in state {@code done} with {@code date_done} at or after the watermark minus the
     * overlap, oldest first (Odoo's clock, UTC), with: their sale order's {@code client_order_ref} ({@code sale_id},
     * sale_stock), the tracking number {@code carrier_tracking_ref} and carrier {@code carrier_id} (Delivery module,
     * as the write-back uses them), and per done {@code stock.move} its product's {@code default_code} and done
     * quantity ({@code quantity}, Odoo 17+; orderflow.erp.odoo.move-quantity-field for older ones). The next
     * watermark is the newest {@code date_done} read.
     */
    @Override
    public DoneDeliveries deliveriesDoneSince(String watermark, java.time.Duration overlap) {
        JsonNode pickings = call("stock.picking", "search_read", null, Map.of(
                "domain", List.of(List.of("picking_type_code", "=", "outgoing"), List.of("state", "=", "done"),
                        List.of("date_done", ">=", ErpTimestamps.minus(watermark, overlap))),
                "fields", List.of("id", "name", "date_done", "sale_id", "carrier_id", "carrier_tracking_ref"),
                "order", "date_done asc, id asc"));
        String next = watermark;
        if (pickings.isEmpty()) {
            return new DoneDeliveries(List.of(), next);
        }
        List<Long> pickingIds = new java.util.ArrayList<>();
        java.util.Set<Long> saleIds = new java.util.LinkedHashSet<>();
        for (JsonNode picking : pickings) {
            pickingIds.add(picking.path("id").asLong());
            if (picking.path("sale_id").isArray()) {
                saleIds.add(many2oneId(picking.path("sale_id")));
            }
            next = ErpTimestamps.max(next, text(picking.path("date_done")));
        }
        Map<Long, String> references = new LinkedHashMap<>();
        if (!saleIds.isEmpty()) {
            for (JsonNode sale : call("sale.order", "read", new java.util.ArrayList<>(saleIds),
                    Map.of("fields", List.of("client_order_ref")))) {
                references.put(sale.path("id").asLong(), text(sale.path("client_order_ref")));
            }
        }
        String quantityField = moveQuantityField();
        JsonNode moves = call("stock.move", "search_read", null, Map.of(
                "domain", List.of(List.of("picking_id", "in", pickingIds), List.of("state", "=", "done")),
                "fields", List.of("id", "picking_id", "product_id", quantityField), "order", "id"));
        java.util.Set<Long> productIds = new java.util.LinkedHashSet<>();
        moves.forEach(move -> productIds.add(many2oneId(move.path("product_id"))));
        Map<Long, String> skus = new LinkedHashMap<>();
        if (!productIds.isEmpty()) {
            for (JsonNode product : call("product.product", "read", new java.util.ArrayList<>(productIds),
                    Map.of("fields", List.of("default_code")))) {
                skus.put(product.path("id").asLong(), text(product.path("default_code")));
            }
        }
        List<DoneDelivery> done = new java.util.ArrayList<>();
        for (JsonNode picking : pickings) {
            long pickingId = picking.path("id").asLong();
            Map<String, BigDecimal> lines = new LinkedHashMap<>();
            for (JsonNode move : moves) {
                BigDecimal quantity = move.path(quantityField).decimalValue();
                String sku = skus.get(many2oneId(move.path("product_id")));
                if (many2oneId(move.path("picking_id")) == pickingId && quantity.signum() > 0 && sku != null) {
                    lines.merge(sku, quantity, BigDecimal::add);
                }
            }
            List<DeliveredLine> delivered = new java.util.ArrayList<>();
            lines.forEach((sku, quantity) -> delivered.add(new DeliveredLine(sku, quantity)));
            JsonNode carrier = picking.path("carrier_id");
            done.add(new DoneDelivery(String.valueOf(pickingId), picking.path("name").asText(),
                    picking.path("sale_id").isArray() ? references.get(many2oneId(picking.path("sale_id"))) : null,
                    ErpTimestamps.instant(text(picking.path("date_done"))),
                    carrier.isArray() ? carrier.path(1).asText(null) : null, text(picking.path("carrier_tracking_ref")),
                    delivered));
        }
        return new DoneDeliveries(done, next);
    }

    /** An Odoo field value as text: false (Odoo's "empty") and blanks are null. */
    private static String text(JsonNode value) {
        return value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
    }

    /**
     * Cancels the sale order with this {@code client_order_ref}: {@code action_cancel} with context
     * {@code disable_cancel_warning} (targeted: Odoo 17; 16 and 18 behave the same). Since Odoo 15 {@code action_cancel}
     * of a confirmed order answers a window action for the {@code sale.order.cancel} wizard (the cancellation e-mail)
     * unless that context key is set; {@code _action_cancel}, which does the work, is private (not callable over RPC).
     * Cancelling cancels the order's open pickings, which releases their reservation. An order with a done outgoing
     * picking has shipped: refused (the return case), as is an answer that is still a wizard.
     */
    @Override
    public CancelResult cancelOrder(String reference) {
        JsonNode sales = call("sale.order", "search_read", null, Map.of(
                "domain", List.of(List.of("client_order_ref", "=", reference)),
                "fields", List.of("id", "name", "state", "picking_ids"), "order", "id desc"));
        if (sales.isEmpty()) {
            return new CancelResult(null, CancelOutcome.NOT_FOUND, null);
        }
        JsonNode sale = null;
        for (JsonNode s : sales) {
            if (!s.path("state").asText().equals("cancel")) {
                sale = s;
                break;
            }
        }
        if (sale == null) {
            return new CancelResult(sales.get(0).path("name").asText(), CancelOutcome.ALREADY_CANCELLED, null);
        }
        String name = sale.path("name").asText();
        if (sale.path("state").asText().equals("done")) {
            throw new ErpRejectedException("Odoo sale order " + name + " (" + reference + ") is locked (done): not cancelled");
        }
        List<Long> pickingIds = longs(sale.path("picking_ids"));
        if (!pickingIds.isEmpty()) {
            JsonNode done = call("stock.picking", "search_read", null, Map.of(
                    "domain", List.of(List.of("id", "in", pickingIds), List.of("picking_type_code", "=", "outgoing"),
                            List.of("state", "=", "done")),
                    "fields", List.of("id", "name")));
            if (!done.isEmpty()) {
                throw new ErpRejectedException("Odoo sale order " + name + " (" + reference + ") has a done delivery "
                        + done.get(0).path("name").asText() + ": it shipped, not cancelled");
            }
        }
        JsonNode answer = call("sale.order", "action_cancel", List.of(sale.path("id").asLong()),
                Map.of("context", Map.of("disable_cancel_warning", true)));
        if (answer.isObject() && answer.has("res_model")) {
            throw new ErpRejectedException("Odoo sale order " + name + " (" + reference + ") answered action_cancel with"
                    + " the wizard " + answer.path("res_model").asText() + " instead of cancelling");
        }
        return new CancelResult(name, CancelOutcome.CANCELLED, null);
    }
}

package io.orderflow.erp;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderflow.config.OrderflowProperties;

/**
 * ERPNext (Frappe REST): {@code /api/resource/<DocType>} with {@code Authorization: token key:secret}; answers wrap
 * in {@code {"data": ...}}. The sales order is created as a draft (docstatus 0) with {@code po_no} = the ERP
 * reference and {@code reserve_stock: 1}, then submitted ({@code docstatus: 1}), which reserves its stock (ERPNext
 * 15 stock reservation). Free quantity per item is {@code actual_qty - reserved_qty} of its Bin in the configured
 * warehouse. 417 (ValidationError) and other 4xx are business refusals, parked for review with ERPNext's message.
 */
public class ErpNextClient extends HttpErpClient {


    private final ProductCache items;
    /** The grand total in the answer of the Sales Order this thread created last (see {@link #orderTotal}). */
    private final ThreadLocal<Map.Entry<String, BigDecimal>> createdTotal = new ThreadLocal<>();

    public ErpNextClient(OrderflowProperties.Erp settings, ErpHttp http, ObjectMapper mapper, ErpMappings mappings) {
        super(settings, http, mapper, mappings);
        this.items = new ProductCache(settings.getProductCacheTtl(), java.time.Clock.systemUTC());
    }

    @Override
    public Optional<ErpOrder> findOrder(String reference) {
        // A cancelled order (docstatus 2) does not count: a replay after cancelling a wrong one creates it anew.
        JsonNode found = list("Sales Order", List.of(List.of("po_no", "=", reference), List.of("docstatus", "!=", 2)),
                List.of("name", "docstatus"));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ErpOrder(found.get(0).path("name").asText(), found.get(0).path("name").asText(),
                found.get(0).path("docstatus").asInt() == 1));
    }

    @Override
    public String findOrCreateCustomer(JsonNode order) {
        String email = order.at("/customer/email").asText();
        JsonNode found = list("Customer", List.of(List.of("email_id", "=", email)), List.of("name"));
        if (!found.isEmpty()) {
            return found.get(0).path("name").asText();
        }
        String customer = request("POST", "/api/resource/Customer", mappings.map("erpnext-customer.jsonata", order))
                .path("data").path("name").asText();
        ObjectNode input = mapper.createObjectNode().put("customer", customer);
        input.set("order", order);
        JsonNode addresses = mappings.map("erpnext-addresses.jsonata", input);
        for (JsonNode address : addresses) {
            request("POST", "/api/resource/Address", address);
        }
        return customer;
    }

    @Override
    public Map<String, ErpProduct> products(Collection<String> skus) {
        // Which SKUs are Items: remembered for orderflow.erp.product-cache-ttl; the Bins (free quantities) are read
        // every time.
        Map<String, String> known = items.idsOfAll(skus);
        List<String> codes = new java.util.ArrayList<>();
        if (known != null) {
            codes.addAll(known.values());
        } else {
            for (JsonNode item : list("Item", List.of(List.of("item_code", "in", skus)), List.of("item_code"))) {
                String code = item.path("item_code").asText();
                items.remember(code, code);
                codes.add(code);
            }
        }
        List<List<Object>> binFilter = new java.util.ArrayList<>();
        binFilter.add(List.of("item_code", "in", skus));
        if (settings.getErpnext().getWarehouse() != null) {
            binFilter.add(List.of("warehouse", "=", settings.getErpnext().getWarehouse()));
        }
        JsonNode bins = list("Bin", binFilter, List.of("item_code", "actual_qty", "reserved_qty"));
        Map<String, BigDecimal> free = new LinkedHashMap<>();
        for (JsonNode bin : bins) {
            free.merge(bin.path("item_code").asText(),
                    bin.path("actual_qty").decimalValue().subtract(bin.path("reserved_qty").decimalValue()), BigDecimal::add);
        }
        Map<String, ErpProduct> products = new LinkedHashMap<>();
        for (String code : codes) {
            products.put(code, new ErpProduct(code, code, free.getOrDefault(code, BigDecimal.ZERO)));
        }
        return products;
    }

    @Override
    public ErpOrder createOrder(JsonNode order, OrderAmounts amounts, Charges charges, String customerId,
            Map<String, ErpProduct> products) {
        ObjectNode input = mapper.createObjectNode().put("customer", customerId)
                .put("company", settings.getErpnext().getCompany()).put("warehouse", settings.getErpnext().getWarehouse());
        input.set("order", order);
        input.set("amounts", amounts.toJson(mapper));
        ObjectNode accounts = input.putObject("taxAccounts");
        for (OrderAmounts.Line line : amounts.all()) {
            for (BigDecimal rate : line.rates()) {
                String percent = rate.movePointRight(2).stripTrailingZeros().toPlainString();
                String account = settings.getErpnext().getTaxAccounts().get(percent);
                if (account == null) {
                    throw new ErpRejectedException("the order has " + percent + " % tax but orderflow.erp.erpnext.tax-accounts names"
                            + " no ERPNext account for it (e.g. ORDERFLOW_ERP_ERPNEXT_TAXACCOUNTS_" + percent.replace('.', '_')
                            + "=\"VAT " + percent + "% - XX\")");
                }
                accounts.put(percent, account);
            }
        }
        if (!amounts.shipping().isEmpty()) {
            if (charges.shippingAccount() == null || charges.shippingAccount().isBlank()) {
                throw new ErpRejectedException("the order has a shipping charge but no ERPNext account is configured for it:"
                        + " set orderflow.erp.charges.shipping-account (or the channel's erp.shipping-account)");
            }
            input.put("shippingAccount", charges.shippingAccount());
        }
        JsonNode created = request("POST", "/api/resource/Sales%20Order", mappings.map("erpnext-sales-order.jsonata", input));
        String name = created.path("data").path("name").asText();
        JsonNode total = created.path("data").path("grand_total");
        createdTotal.set(total.isNumber() ? Map.entry(name, total.decimalValue()) : null);
        return new ErpOrder(name, name, false);
    }

    /**
     * The grand total ERPNext computed: the insert's answer carries the whole document, totals included, so the
     * order just created by this thread is not read back (one ERP request less per order); an order found by its
     * reference, or an answer without grand_total, is read with {@code GET /api/resource/Sales Order/<name>}.
     */
    @Override
    public BigDecimal orderTotal(ErpOrder order) {
        Map.Entry<String, BigDecimal> created = createdTotal.get();
        createdTotal.remove();
        if (created != null && created.getKey().equals(order.id())) {
            return created.getValue();
        }
        return request("GET", "/api/resource/Sales%20Order/" + encode(order.id()), null).path("data").path("grand_total")
                .decimalValue();
    }

    @Override
    public void confirmAndReserve(ErpOrder order) {
        if (!order.confirmed()) {
            request("PUT", "/api/resource/Sales%20Order/" + encode(order.id()),
                    mapper.createObjectNode().put("docstatus", 1));
        }
    }

    private JsonNode list(String doctype, List<? extends List<?>> filters, List<String> fields) {
        String query = "?filters=" + encode(json(filters)) + "&fields=" + encode(json(fields)) + "&limit_page_length=500";
        return request("GET", "/api/resource/" + encode(doctype).replace("+", "%20") + query, null).path("data");
    }

    private JsonNode request(String method, String path, JsonNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path))
                .header("Accept", "application/json")
                .header("Authorization", "token " + settings.getErpnext().getApiKey() + ":" + settings.getErpnext().getApiSecret());
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        }
        HttpResponse<String> response = http.send(request);
        JsonNode answer = parse(response.body());
        if (response.statusCode() >= 400) {
            throw new ErpRejectedException("ERPNext " + method + " " + path.replaceAll("\\?.*", "") + " answered HTTP "
                    + response.statusCode() + ": " + message(answer));
        }
        return answer;
    }

    /** Frappe puts the human message in _server_messages (a JSON list of JSON objects) or exception. */
    private String message(JsonNode answer) {
        String serverMessages = answer.path("_server_messages").asText(null);
        if (serverMessages != null) {
            try {
                JsonNode list = mapper.readTree(serverMessages);
                if (list.isArray() && !list.isEmpty()) {
                    JsonNode first = list.get(0).isTextual() ? mapper.readTree(list.get(0).asText()) : list.get(0);
                    return first.path("message").asText(first.toString());
                }
            } catch (IOException notJson) {
                return serverMessages;
            }
        }
        return answer.path("exception").asText(answer.path("exc_type").asText("no message"));
    }

    private JsonNode parse(String body) {
        try {
            return mapper.readTree(body == null || body.isBlank() ? "{}" : body);
        } catch (IOException e) {
            return mapper.createObjectNode().put("exception", body.length() > 200 ? body.substring(0, 200) : body);
        }
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /**
     * Bins (of the configured warehouse) whose {@code modified} is at or after the watermark minus the overlap, then
     * their items' free quantities as {@link #products} reads them. The next watermark is the newest Bin
     * {@code modified} seen (ERPNext's own clock). Without a watermark: every Bin.
     */
    @Override
    public StockChanges stockChangedSince(String watermark, java.time.Duration overlap) {
        List<List<Object>> filters = new java.util.ArrayList<>();
        if (settings.getErpnext().getWarehouse() != null) {
            filters.add(List.of("warehouse", "=", settings.getErpnext().getWarehouse()));
        }
        if (watermark != null) {
            filters.add(List.of("modified", ">=", ErpTimestamps.minus(watermark, overlap)));
        }
        java.util.Set<String> changed = new java.util.LinkedHashSet<>();
        String next = watermark;
        for (int start = 0; ; start += 500) {
            String query = "?filters=" + encode(json(filters)) + "&fields=" + encode(json(List.of("item_code", "modified")))
                    + "&order_by=" + encode("modified asc") + "&limit_start=" + start + "&limit_page_length=500";
            JsonNode page = request("GET", "/api/resource/Bin" + query, null).path("data");
            for (JsonNode bin : page) {
                changed.add(bin.path("item_code").asText());
                next = ErpTimestamps.max(next, bin.path("modified").asText(null));
            }
            if (page.size() < 500) {
                break;
            }
        }
        Map<String, BigDecimal> free = new LinkedHashMap<>();
        List<String> codes = new java.util.ArrayList<>(changed);
        for (int i = 0; i < codes.size(); i += 100) {
            products(codes.subList(i, Math.min(codes.size(), i + 100)))
                    .forEach((sku, product) -> free.put(sku, product.freeQuantity()));
        }
        return new StockChanges(free, next);
    }

    /**
     * A submitted Delivery Note made from the Sales Order (po_no = the ERP reference, submitted):
     * {@code erpnext.selling.doctype.sales_order.sales_order.make_delivery_note} maps the order's undelivered items
     * (each with {@code against_sales_order} and {@code so_detail}); orderflow keeps the items of the package with
     * its quantities, puts the tracking number in {@code lr_no} (Transport Receipt No) and inserts it with
     * {@code docstatus: 1} (created and submitted in one request). ERPNext then counts the items delivered on the
     * Sales Order; what is not in the package stays to deliver. Once per package: a Delivery Note (not cancelled)
     * with this {@code lr_no} means it was written (a draft one, left by a failed submit, is submitted).
     */
    @Override
    public DeliveryResult deliver(String reference, Delivery delivery) {
        JsonNode orders = list("Sales Order", List.of(List.of("po_no", "=", reference), List.of("docstatus", "=", 1)),
                List.of("name"));
        if (orders.isEmpty()) {
            throw new ErpRejectedException("ERPNext has no submitted Sales Order with po_no " + reference
                    + " to deliver package " + delivery.packageId() + " on");
        }
        String salesOrder = orders.get(0).path("name").asText();
        JsonNode notes = list("Delivery Note", List.of(List.of("lr_no", "=", delivery.trackingNumber()),
                List.of("docstatus", "!=", 2)), List.of("name", "docstatus"));
        if (!notes.isEmpty()) {
            String name = notes.get(0).path("name").asText();
            if (notes.get(0).path("docstatus").asInt() == 1) {
                return new DeliveryResult(name, true);
            }
            request("PUT", "/api/resource/Delivery%20Note/" + encode(name).replace("+", "%20"),
                    mapper.createObjectNode().put("docstatus", 1));
            return new DeliveryResult(name, false);
        }
        ObjectNode source = mapper.createObjectNode().put("source_name", salesOrder);
        JsonNode mapped = request("POST", "/api/method/erpnext.selling.doctype.sales_order.sales_order.make_delivery_note",
                source).path("message");
        if (!mapped.isObject()) {
            throw new ErpRejectedException("ERPNext made no Delivery Note from Sales Order " + salesOrder);
        }
        ObjectNode note = (ObjectNode) mapped.deepCopy();
        List<DeliveryAllocation.Slot> slots = new java.util.ArrayList<>();
        JsonNode items = note.path("items");
        for (int i = 0; i < items.size(); i++) {
            slots.add(new DeliveryAllocation.Slot(String.valueOf(i), items.get(i).path("item_code").asText(),
                    items.get(i).path("qty").decimalValue()));
        }
        Map<String, BigDecimal> quantities = DeliveryAllocation.allocate(slots, delivery,
                "the undelivered items of Sales Order " + salesOrder);
        com.fasterxml.jackson.databind.node.ArrayNode kept = mapper.createArrayNode();
        for (int i = 0; i < items.size(); i++) {
            BigDecimal quantity = quantities.get(String.valueOf(i));
            if (quantity.signum() > 0) {
                ObjectNode item = (ObjectNode) items.get(i).deepCopy();
                item.remove(List.of("name", "parent", "__islocal", "__unsaved"));
                item.put("qty", quantity);
                kept.add(item);
            }
        }
        note.remove(List.of("name", "__islocal", "__unsaved"));
        note.set("items", kept);
        note.put("lr_no", delivery.trackingNumber());
        note.put("docstatus", 1);
        String name = request("POST", "/api/resource/Delivery%20Note", note).path("data").path("name").asText();
        return new DeliveryResult(name, false);
    }

    /**
     * Submitted {@code Delivery Note}s (docstatus 1, not returns) whose {@code modified} is at or after the watermark
     * minus the overlap, oldest first, paged by 500; each read whole ({@code GET /api/resource/Delivery Note/<name>})
     * for its items ({@code item_code}, {@code qty}, {@code against_sales_order}), the tracking number {@code lr_no}
     * (Transport Receipt No, as the write-back writes it), the carrier {@code transporter_name} and {@code po_no}
     * (the ERP reference, copied from the Sales Order by make_delivery_note; when empty, the po_no of the Sales Order
     * its first item is against). The next watermark is the newest {@code modified} read (ERPNext's clock: the
     * server's time zone, read as UTC in doneAt).
     */
    @Override
    public DoneDeliveries deliveriesDoneSince(String watermark, java.time.Duration overlap) {
        List<List<Object>> filters = List.of(List.of("docstatus", "=", 1), List.of("is_return", "=", 0),
                List.of("modified", ">=", ErpTimestamps.minus(watermark, overlap)));
        List<String> names = new java.util.ArrayList<>();
        String next = watermark;
        for (int start = 0; ; start += 500) {
            String query = "?filters=" + encode(json(filters)) + "&fields=" + encode(json(List.of("name", "modified")))
                    + "&order_by=" + encode("modified asc") + "&limit_start=" + start + "&limit_page_length=500";
            JsonNode page = request("GET", "/api/resource/Delivery%20Note" + query, null).path("data");
            for (JsonNode note : page) {
                names.add(note.path("name").asText());
                next = ErpTimestamps.max(next, note.path("modified").asText(null));
            }
            if (page.size() < 500) {
                break;
            }
        }
        Map<String, String> orderReferences = new LinkedHashMap<>();
        List<DoneDelivery> done = new java.util.ArrayList<>();
        for (String name : names) {
            JsonNode note = request("GET", "/api/resource/Delivery%20Note/" + encode(name).replace("+", "%20"), null)
                    .path("data");
            Map<String, BigDecimal> lines = new LinkedHashMap<>();
            String salesOrder = null;
            for (JsonNode item : note.path("items")) {
                BigDecimal quantity = item.path("qty").decimalValue();
                if (quantity.signum() > 0 && !item.path("item_code").asText("").isBlank()) {
                    lines.merge(item.path("item_code").asText(), quantity, BigDecimal::add);
                }
                if (salesOrder == null && !item.path("against_sales_order").asText("").isBlank()) {
                    salesOrder = item.path("against_sales_order").asText();
                }
            }
            String reference = blankToNull(note.path("po_no").asText(null));
            if (reference == null && salesOrder != null) {
                reference = orderReferences.computeIfAbsent(salesOrder, so -> blankToNull(request("GET",
                        "/api/resource/Sales%20Order/" + encode(so).replace("+", "%20"), null).path("data").path("po_no")
                        .asText(null)));
            }
            List<DeliveredLine> delivered = new java.util.ArrayList<>();
            lines.forEach((sku, quantity) -> delivered.add(new DeliveredLine(sku, quantity)));
            done.add(new DoneDelivery(name, name, reference, ErpTimestamps.instant(note.path("modified").asText(null)),
                    blankToNull(note.path("transporter_name").asText(null)), blankToNull(note.path("lr_no").asText(null)),
                    delivered));
        }
        return new DoneDeliveries(done, next);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /**
     * Cancels the submitted Sales Order with this {@code po_no}: {@code POST /api/method/frappe.client.cancel}
     * ({@code doctype}, {@code name}), which cancels the document and its stock reservation. A Sales Order with
     * delivered items ({@code per_delivered} above 0: a submitted Delivery Note) cannot be cancelled: refused (the
     * return case). A draft (docstatus 0) reserves nothing and cannot be cancelled in ERPNext: left as it is.
     */
    @Override
    public CancelResult cancelOrder(String reference) {
        JsonNode orders = list("Sales Order", List.of(List.of("po_no", "=", reference)),
                List.of("name", "docstatus", "per_delivered"));
        JsonNode submitted = null;
        JsonNode draft = null;
        JsonNode cancelled = null;
        for (JsonNode o : orders) {
            switch (o.path("docstatus").asInt()) {
                case 1 -> submitted = submitted == null ? o : submitted;
                case 0 -> draft = draft == null ? o : draft;
                default -> cancelled = cancelled == null ? o : cancelled;
            }
        }
        if (submitted == null) {
            if (draft != null) {
                return new CancelResult(draft.path("name").asText(), CancelOutcome.LEFT_AS_DRAFT, "draft Sales Order "
                        + draft.path("name").asText() + " reserves nothing; delete it in ERPNext if it is in the way");
            }
            return cancelled != null ? new CancelResult(cancelled.path("name").asText(), CancelOutcome.ALREADY_CANCELLED, null)
                    : new CancelResult(null, CancelOutcome.NOT_FOUND, null);
        }
        String name = submitted.path("name").asText();
        if (submitted.path("per_delivered").decimalValue().signum() > 0) {
            throw new ErpRejectedException("ERPNext Sales Order " + name + " (" + reference + ") is "
                    + submitted.path("per_delivered").asText() + "% delivered (a submitted Delivery Note): it shipped,"
                    + " not cancelled");
        }
        request("POST", "/api/method/frappe.client.cancel",
                mapper.createObjectNode().put("doctype", "Sales Order").put("name", name));
        return new CancelResult(name, CancelOutcome.CANCELLED, null);
    }
}

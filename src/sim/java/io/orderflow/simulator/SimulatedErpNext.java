package io.orderflow.simulator;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Profile;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A small ERPNext (profile sim) at /sim/erpnext: the Frappe REST calls the ERP stage makes, on an in-memory company
 * with items SKU-1 (100 in stock) and SKU-2 (5 in stock) in warehouse "Stores - SIM". {@code Authorization: token
 * key:secret} is required; submitting a Sales Order (docstatus 1) reserves its quantities (Bin reserved_qty), and
 * {@code GET /sim/erpnext/api/resource/Sales Order} lists what the connector created. The shipment write-back:
 * {@code make_delivery_note} maps a submitted order's undelivered items, and a Delivery Note inserted submitted
 * delivers them (stock out of the warehouse; {@code GET .../api/resource/Delivery Note} lists them).
 */
@RestController
@Profile(Simulators.PROFILE)
@ConditionalOnProperty(name = "orderflow.simulator.enabled", havingValue = "true")
public class SimulatedErpNext {

    private final ObjectMapper mapper;
    private final Map<String, ObjectNode> customers = new LinkedHashMap<>();
    private final Map<String, ObjectNode> salesOrders = new LinkedHashMap<>();
    private final Map<String, ObjectNode> deliveryNotes = new LinkedHashMap<>();
    private final Map<String, BigDecimal[]> bins = new LinkedHashMap<>(); // item -> {actual, reserved}
    private final Map<String, String> modified = new LinkedHashMap<>();  // item -> its Bin's last change (ERPNext clock)
    private final AtomicInteger numbers = new AtomicInteger();

    public SimulatedErpNext(ObjectMapper mapper) {
        this.mapper = mapper;
        bins.put("SKU-1", new BigDecimal[] {new BigDecimal(100), BigDecimal.ZERO});
        bins.put("SKU-2", new BigDecimal[] {new BigDecimal(5), BigDecimal.ZERO});
        bins.keySet().forEach(this::touch);
    }

    @GetMapping(path = "/sim/erpnext/api/resource/{doctype}", produces = MediaType.APPLICATION_JSON_VALUE)
    public synchronized ResponseEntity<String> list(@PathVariable String doctype,
            @RequestParam(defaultValue = "[]") String filters,
            @RequestHeader(name = "Authorization", required = false) String auth) throws Exception {
        if (auth == null || !auth.startsWith("token ")) {
            return error(401, "AuthenticationError", "Not permitted");
        }
        JsonNode filter = mapper.readTree(filters);
        ArrayNode rows = mapper.createArrayNode();
        switch (doctype) {
            case "Sales Order" -> salesOrders.values().stream().filter(o -> matches(o, filter))
                    .map(o -> o.deepCopy().put("per_delivered", perDelivered(o))).forEach(rows::add);
            case "Customer" -> customers.values().stream().filter(c -> matches(c, filter)).forEach(rows::add);
            case "Delivery Note" -> deliveryNotes.values().stream().filter(d -> matches(d, filter)).forEach(rows::add);
            case "Item" -> bins.keySet().stream().map(code -> mapper.createObjectNode().put("item_code", code))
                    .filter(i -> matches(i, filter)).forEach(rows::add);
            case "Bin" -> bins.forEach((code, qty) -> {
                ObjectNode bin = mapper.createObjectNode().put("item_code", code).put("warehouse", "Stores - SIM")
                        .put("actual_qty", qty[0]).put("reserved_qty", qty[1]).put("modified", modified.get(code));
                if (matches(bin, filter)) {
                    rows.add(bin);
                }
            });
            default -> { }
        }
        return ok(rows);
    }

    @PostMapping(path = "/sim/erpnext/api/resource/{doctype}", produces = MediaType.APPLICATION_JSON_VALUE)
    public synchronized ResponseEntity<String> create(@PathVariable String doctype, @RequestBody ObjectNode doc) {
        switch (doctype) {
            case "Customer" -> {
                String name = doc.path("customer_name").asText();
                doc.put("name", name);
                customers.put(name, doc);
            }
            case "Sales Order" -> {
                for (JsonNode item : doc.path("items")) {
                    if (!bins.containsKey(item.path("item_code").asText())) {
                        return error(417, "ValidationError", "Item " + item.path("item_code").asText() + " not found");
                    }
                }
                doc.put("name", String.format("SAL-ORD-SIM-%05d", numbers.incrementAndGet())).put("docstatus", 0);
                int row = 0;
                for (JsonNode item : doc.path("items")) {
                    ((ObjectNode) item).put("name", doc.path("name").asText() + "-" + (++row)).put("delivered_qty", 0);
                }
                doc.put("grand_total", grandTotal(doc));
                salesOrders.put(doc.path("name").asText(), doc);
            }
            case "Delivery Note" -> {
                // Submitted on insert (docstatus 1): the items are delivered, the stock leaves the warehouse.
                for (JsonNode item : doc.path("items")) {
                    ObjectNode order = salesOrders.get(item.path("against_sales_order").asText());
                    ObjectNode line = order == null ? null : soItem(order, item.path("so_detail").asText());
                    BigDecimal qty = item.path("qty").decimalValue();
                    if (line == null) {
                        return error(417, "ValidationError", "Row for " + item.path("item_code").asText() + " is against no Sales Order item");
                    }
                    BigDecimal open = line.path("qty").decimalValue().subtract(line.path("delivered_qty").decimalValue());
                    if (qty.compareTo(open) > 0) {
                        return error(417, "ValidationError", "Quantity " + qty + " of " + item.path("item_code").asText()
                                + " exceeds the " + open + " still to deliver on " + order.path("name").asText());
                    }
                }
                for (JsonNode item : doc.path("items")) {
                    ObjectNode line = soItem(salesOrders.get(item.path("against_sales_order").asText()), item.path("so_detail").asText());
                    BigDecimal qty = item.path("qty").decimalValue();
                    line.put("delivered_qty", line.path("delivered_qty").decimalValue().add(qty));
                    BigDecimal[] bin = bins.get(item.path("item_code").asText());
                    if (bin != null) {
                        bin[0] = bin[0].subtract(qty);
                        bin[1] = bin[1].subtract(qty).max(BigDecimal.ZERO);
                        touch(item.path("item_code").asText());
                    }
                }
                doc.put("name", String.format("MAT-DN-SIM-%05d", numbers.incrementAndGet()));
                deliveryNotes.put(doc.path("name").asText(), doc);
            }
            default -> doc.put("name", doctype + "-" + numbers.incrementAndGet());
        }
        return ok(doc);
    }

    /**
     * {@code make_delivery_note}: a new Delivery Note (not saved) from a submitted Sales Order, with its undelivered
     * items (qty = ordered - delivered), each linked by against_sales_order / so_detail, as ERPNext maps it.
     */
    @PostMapping(path = "/sim/erpnext/api/method/erpnext.selling.doctype.sales_order.sales_order.make_delivery_note",
            produces = MediaType.APPLICATION_JSON_VALUE)
    public synchronized ResponseEntity<String> makeDeliveryNote(@RequestBody ObjectNode args,
            @RequestHeader(name = "Authorization", required = false) String auth) {
        if (auth == null || !auth.startsWith("token ")) {
            return error(401, "AuthenticationError", "Not permitted");
        }
        ObjectNode order = salesOrders.get(args.path("source_name").asText());
        if (order == null) {
            return error(404, "DoesNotExistError", "Sales Order " + args.path("source_name").asText() + " not found");
        }
        ObjectNode note = mapper.createObjectNode().put("doctype", "Delivery Note").put("name", "new-delivery-note-1")
                .put("__islocal", 1).put("docstatus", 0).put("customer", order.path("customer").asText())
                .put("company", order.path("company").asText()).put("po_no", order.path("po_no").asText());
        ArrayNode items = note.putArray("items");
        for (JsonNode line : order.path("items")) {
            BigDecimal open = line.path("qty").decimalValue().subtract(line.path("delivered_qty").decimalValue());
            if (open.signum() > 0) {
                items.addObject().put("doctype", "Delivery Note Item").put("item_code", line.path("item_code").asText())
                        .put("qty", open).put("rate", line.path("rate").decimalValue())
                        .put("warehouse", line.path("warehouse").asText("Stores - SIM"))
                        .put("against_sales_order", order.path("name").asText()).put("so_detail", line.path("name").asText());
            }
        }
        ObjectNode body = mapper.createObjectNode();
        body.set("message", note);
        return ResponseEntity.ok(body.toString());
    }

    /** The Sales Order's item row with this name (rows are named when the order is created). */
    private static ObjectNode soItem(ObjectNode order, String name) {
        for (JsonNode line : order.path("items")) {
            if (line.path("name").asText().equals(name)) {
                return (ObjectNode) line;
            }
        }
        return null;
    }

    /** One document, as ERPNext answers {@code GET /api/resource/<DocType>/<name>}. */
    @GetMapping(path = "/sim/erpnext/api/resource/{doctype}/{name}", produces = MediaType.APPLICATION_JSON_VALUE)
    public synchronized ResponseEntity<String> read(@PathVariable String doctype, @PathVariable String name) {
        ObjectNode order = "Sales Order".equals(doctype) ? salesOrders.get(name) : null;
        if (order == null) {
            return error(404, "DoesNotExistError", doctype + " " + name + " not found");
        }
        return ok(order);
    }

    /**
     * The grand total as ERPNext computes it, for what the connector sends: items at their rates; "On Net Total"
     * rows (at their rate for every item), taken out of the rates when included_in_print_rate, added on
     * top otherwise, rounded per row; "Actual" rows added; discount_amount taken off the net total (taxes on what
     * remains) or off the grand total (apply_discount_on); no rounding to whole units (disable_rounded_total).
     */
    private BigDecimal grandTotal(JsonNode doc) {
        BigDecimal items = BigDecimal.ZERO;
        BigDecimal addedTax = BigDecimal.ZERO;
        BigDecimal discount = doc.path("discount_amount").decimalValue();
        boolean onNet = "Net Total".equals(doc.path("apply_discount_on").asText());
        BigDecimal gross = BigDecimal.ZERO;
        for (JsonNode item : doc.path("items")) {
            gross = gross.add(item.path("rate").decimalValue().multiply(item.path("qty").decimalValue()));
        }
        for (JsonNode row : doc.path("taxes")) {
            if (row.path("charge_type").asText().equals("Actual")) {
                items = items.add(row.path("tax_amount").decimalValue());
            } else if (row.path("included_in_print_rate").asInt() != 1) {
                BigDecimal base = onNet ? gross.subtract(discount) : gross;
                addedTax = addedTax.add(base.multiply(row.path("rate").decimalValue()).movePointLeft(2)
                        .setScale(2, java.math.RoundingMode.HALF_UP));
            }
        }
        BigDecimal total = gross.add(addedTax).add(items).subtract(discount);
        return total.setScale(2, java.math.RoundingMode.HALF_UP);
    }

    /**
     * {@code frappe.client.cancel} of a Sales Order: docstatus 2 and its reservation released (Bin reserved_qty less
     * what was reserved and not delivered); refused (417) when something of it was delivered, as ERPNext refuses to
     * cancel a Sales Order with a submitted Delivery Note. A cancelled one stays cancelled.
     */
    @PostMapping(path = "/sim/erpnext/api/method/frappe.client.cancel", produces = MediaType.APPLICATION_JSON_VALUE)
    public synchronized ResponseEntity<String> cancel(@RequestBody ObjectNode request) {
        ObjectNode order = "Sales Order".equals(request.path("doctype").asText()) ? salesOrders.get(request.path("name").asText()) : null;
        if (order == null) {
            return error(404, "DoesNotExistError", request.path("doctype").asText() + " " + request.path("name").asText() + " not found");
        }
        if (perDelivered(order).signum() > 0) {
            return error(417, "LinkExistsError", "Cannot cancel because submitted Delivery Note is linked with " + order.path("name").asText());
        }
        if (order.path("docstatus").asInt() == 1) {
            for (JsonNode item : order.path("items")) {
                BigDecimal[] qty = bins.get(item.path("item_code").asText());
                if (qty != null) {
                    qty[1] = qty[1].subtract(item.path("qty").decimalValue()).max(BigDecimal.ZERO);
                    touch(item.path("item_code").asText());
                }
            }
        }
        order.put("docstatus", 2);
        ObjectNode answer = mapper.createObjectNode();
        answer.set("message", order);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(answer.toString());
    }

    /** Percentage of the ordered quantity delivered, as ERPNext's per_delivered. */
    private static BigDecimal perDelivered(JsonNode order) {
        BigDecimal ordered = BigDecimal.ZERO;
        BigDecimal delivered = BigDecimal.ZERO;
        for (JsonNode item : order.path("items")) {
            ordered = ordered.add(item.path("qty").decimalValue());
            delivered = delivered.add(item.path("delivered_qty").decimalValue());
        }
        return ordered.signum() == 0 ? BigDecimal.ZERO
                : delivered.multiply(new BigDecimal(100)).divide(ordered, 2, java.math.RoundingMode.HALF_UP);
    }

    @PutMapping(path = "/sim/erpnext/api/resource/{doctype}/{name}", produces = MediaType.APPLICATION_JSON_VALUE)
    public synchronized ResponseEntity<String> update(@PathVariable String doctype, @PathVariable String name,
            @RequestBody ObjectNode changes) {
        ObjectNode order = "Sales Order".equals(doctype) ? salesOrders.get(name) : null;
        if (order == null) {
            return error(404, "DoesNotExistError", "Sales Order " + name + " not found");
        }
        if (changes.path("docstatus").asInt() == 1 && order.path("docstatus").asInt() == 0) {
            for (JsonNode item : order.path("items")) {
                BigDecimal[] qty = bins.get(item.path("item_code").asText());
                BigDecimal free = qty[0].subtract(qty[1]);
                qty[1] = qty[1].add(item.path("qty").decimalValue().min(free.max(BigDecimal.ZERO)));
                touch(item.path("item_code").asText());
            }
            order.put("docstatus", 1);
        }
        return ok(order);
    }

    private boolean matches(JsonNode row, JsonNode filters) {
        for (JsonNode f : filters) {
            String field = f.get(0).asText();
            String op = f.get(1).asText();
            JsonNode value = f.get(2);
            String actual = row.path(field).asText();
            if (op.equals("=") && !actual.equals(value.asText())) {
                return false;
            }
            if (op.equals("!=") && actual.equals(value.asText())) {
                return false;
            }
            // Datetimes as ERPNext writes them ("yyyy-MM-dd HH:mm:ss.ffffff") compare as text.
            if (op.equals(">") && actual.compareTo(value.asText()) <= 0) {
                return false;
            }
            if (op.equals(">=") && actual.compareTo(value.asText()) < 0) {
                return false;
            }
            if (op.equals("in")) {
                List<String> values = new ArrayList<>();
                value.forEach(v -> values.add(v.asText()));
                if (!values.contains(actual)) {
                    return false;
                }
            }
        }
        return true;
    }

    private ResponseEntity<String> ok(JsonNode data) {
        ObjectNode body = mapper.createObjectNode();
        body.set("data", data);
        return ResponseEntity.ok(body.toString());
    }

    private ResponseEntity<String> error(int status, String type, String message) {
        return ResponseEntity.status(status).body(mapper.createObjectNode().put("exc_type", type)
                .put("exception", "frappe.exceptions." + type + ": " + message).toString());
    }

    /**
     * A stock change made in the ERP itself (goods received, a stock reconciliation): the item's quantity in the
     * warehouse becomes {@code qty}; its Bin's {@code modified} moves on, so the periodic stock sync picks it up.
     * {@code POST /sim/erpnext/stock?sku=SKU-1&qty=50} (no credentials: this is the ERP user's own screen).
     */
    @PostMapping(path = "/sim/erpnext/stock", produces = MediaType.APPLICATION_JSON_VALUE)
    public synchronized ResponseEntity<String> setStock(@RequestParam String sku, @RequestParam BigDecimal qty) {
        BigDecimal[] bin = bins.computeIfAbsent(sku, code -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO});
        bin[0] = qty;
        touch(sku);
        return ResponseEntity.ok(mapper.createObjectNode().put("item_code", sku).put("actual_qty", bin[0])
                .put("reserved_qty", bin[1]).put("free", bin[0].subtract(bin[1])).put("modified", modified.get(sku)).toString());
    }

    private void touch(String item) {
        modified.put(item, java.time.LocalDateTime.now().format(
                java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS")));
    }
}

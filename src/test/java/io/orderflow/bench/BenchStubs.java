package io.orderflow.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The benchmark's downstream systems, in a process of their own (so their CPU is not the connector's):
 * <ul>
 * <li>{@code /erp/api/resource/...}: ERPNext's Frappe REST as the ERP stage uses it (list with filters, Customer,
 * Address and Sales Order create, Sales Order read, submit with {@code docstatus: 1}); items SKU-* always exist with
 * ample stock; grand totals computed like ERPNext (included / added "On Net Total" rows, "Actual" rows, discount);
 * each answer after {@code --erp-latency-ms};</li>
 * <li>{@code /shop/wp-json/wc/v3/orders/{id}}: the WooCommerce order API (the gate asks it when a payment comes first;
 * the write-back reads and adds the order's customer notes and sets it {@code completed});</li>
 * <li>{@code /erp/api/method/...make_delivery_note} and {@code Delivery Note} list/create: the ERP write-back of a
 * shipped package;</li>
 * <li>{@code /wms/fulfilment-orders}: orderflow's REST WMS contract (docs/wms-rest-api.yaml; idempotent on the
 * {@code Idempotency-Key}); {@code --ship-delay-ms} after a new fulfilment order it reports the whole order shipped in
 * one package by a signed webhook to {@code --connector-port} (retried like a WMS would, on anything but 200);</li>
 * <li>{@code /twilio/2010-04-01/Accounts/{sid}/Messages.json}: Twilio's Messages API (201, queued);</li>
 * <li>SMTP on {@code --smtp-port} ({@link SmtpSink}: every mail kept with its arrival time);</li>
 * <li>{@code GET /stats}: what arrived, per order (ERP orders created and submitted with the submit's receipt time, mails,
 * SMS), for the driver's exactly-once check.</li>
 * </ul>
 * {@code java -cp <test classpath> io.orderflow.bench.BenchStubs --port 18101 --smtp-port 18102 --erp-latency-ms 0}
 */
public final class BenchStubs {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NUMBER = Pattern.compile("#(\\d+)");

    private final long erpLatencyMs;
    private final AtomicLong erpRequests = new AtomicLong();
    private final AtomicLong shopRequests = new AtomicLong();
    private final AtomicLong names = new AtomicLong();
    private final Map<String, ObjectNode> ordersByName = new ConcurrentHashMap<>();
    private final Map<String, String> nameByReference = new ConcurrentHashMap<>();
    private final Map<String, long[]> perReference = new ConcurrentHashMap<>(); // {created, submitted, firstSubmitMs}
    private final Map<String, String> customers = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> sms = new ConcurrentHashMap<>();
    private final Map<String, BigDecimal> reserved = new ConcurrentHashMap<>();
    private SmtpSink smtp;
    // WMS, shipments and write-back, per order number: {created, firstCreatedMs, shipmentSentMs, shipmentAnswered}
    private final Map<String, long[]> fulfilments = new ConcurrentHashMap<>();
    private final Map<String, String> fulfilmentIds = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> shopNotes = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> shopCompleted = new ConcurrentHashMap<>();
    private final Map<String, String> deliveryNoteByTracking = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> deliveryNotes = new ConcurrentHashMap<>();
    private final java.util.concurrent.ScheduledExecutorService shipper = Executors.newScheduledThreadPool(4);
    private final java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
    private long shipDelayMs;
    private int connectorPort;

    private BenchStubs(long erpLatencyMs) {
        this.erpLatencyMs = erpLatencyMs;
    }

    public static void main(String[] args) throws Exception {
        // TCP_NODELAY on the stub server's connections. Without it every answer on a kept-alive connection (the
        // connector's HTTP client reuses them) waited ~40 ms: the JDK server writes headers and body separately, Nagle
        // holds the body until the headers are acknowledged, and the client delays that ACK. Measured 44 ms vs
        // 1.4-2.3 ms per request; a real ERP behind nginx or gunicorn sets TCP_NODELAY itself (docs/performance.md).
        System.setProperty("sun.net.httpserver.nodelay", "true");
        Map<String, String> options = Bench.options(args);
        int port = Integer.parseInt(options.getOrDefault("port", "18101"));
        int smtpPort = Integer.parseInt(options.getOrDefault("smtp-port", "18102"));
        BenchStubs stubs = new BenchStubs(Long.parseLong(options.getOrDefault("erp-latency-ms", "0")));
        stubs.smtp = new SmtpSink(smtpPort);
        stubs.shipDelayMs = Long.parseLong(options.getOrDefault("ship-delay-ms", "200"));
        stubs.connectorPort = Integer.parseInt(options.getOrDefault("connector-port", "0"));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 512);
        server.setExecutor(Executors.newFixedThreadPool(64));
        server.createContext("/erp/api/resource/", stubs::erp);
        server.createContext("/erp/api/method/", stubs::erpMethod);
        server.createContext("/wms/fulfilment-orders", stubs::wms);
        server.createContext("/shop/wp-json/wc/v3/orders/", stubs::shopOrder);
        server.createContext("/twilio/", stubs::twilio);
        server.createContext("/stats", stubs::stats);
        server.start();
        System.out.println("bench stubs on 127.0.0.1:" + port + ", SMTP " + smtpPort + ", ERP latency "
                + stubs.erpLatencyMs + " ms");
    }

    private void erp(HttpExchange exchange) throws IOException {
        try (exchange) {
            erpRequests.incrementAndGet();
            if (erpLatencyMs > 0) {
                Thread.sleep(erpLatencyMs);
            }
            String method = exchange.getRequestMethod();
            String rest = exchange.getRequestURI().getPath().substring("/erp/api/resource/".length());
            String doctype = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
            String name = rest.contains("/") ? rest.substring(rest.indexOf('/') + 1) : null;
            byte[] in = exchange.getRequestBody().readAllBytes();
            if (!String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")).startsWith("token ")) {
                send(exchange, 401, "{\"exc_type\":\"AuthenticationError\"}");
                return;
            }
            JsonNode data;
            if (method.equals("GET") && name == null) {
                data = list(doctype, query(exchange.getRequestURI().getRawQuery()).getOrDefault("filters", "[]"));
            } else if (method.equals("POST")) {
                data = create(doctype, (ObjectNode) JSON.readTree(in));
            } else if (method.equals("GET")) {
                data = ordersByName.get(name);
            } else if (method.equals("PUT")) {
                data = submit(name, JSON.readTree(in));
            } else {
                data = null;
            }
            if (data == null) {
                send(exchange, 404, "{\"exc_type\":\"DoesNotExistError\",\"exception\":\"not found\"}");
                return;
            }
            ObjectNode body = JSON.createObjectNode();
            body.set("data", data);
            send(exchange, 200, body.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            e.printStackTrace();
            send(exchange, 500, "{\"exc_type\":\"InternalError\"}");
        }
    }

    private JsonNode list(String doctype, String filters) throws IOException {
        ArrayNode rows = JSON.createArrayNode();
        JsonNode filter = JSON.readTree(filters);
        switch (doctype) {
            case "Sales Order" -> {
                String reference = value(filter, "po_no");
                String name = reference == null ? null : nameByReference.get(reference);
                if (name != null) {
                    rows.add(ordersByName.get(name));
                }
            }
            case "Customer" -> {
                String customer = customers.get(String.valueOf(value(filter, "email_id")));
                if (customer != null) {
                    rows.addObject().put("name", customer);
                }
            }
            case "Delivery Note" -> {
                String name = deliveryNoteByTracking.get(String.valueOf(value(filter, "lr_no")));
                if (name != null) {
                    rows.addObject().put("name", name).put("docstatus", 1);
                }
            }
            case "Item", "Bin" -> {
                for (JsonNode f : filter) {
                    if (f.get(0).asText().equals("item_code")) {
                        for (JsonNode code : f.get(2)) {
                            ObjectNode row = rows.addObject().put("item_code", code.asText());
                            if (doctype.equals("Bin")) {
                                row.put("warehouse", "Stores - B").put("actual_qty", 1_000_000_000)
                                        .put("reserved_qty", reserved.getOrDefault(code.asText(), BigDecimal.ZERO));
                            }
                        }
                    }
                }
            }
            default -> { }
        }
        return rows;
    }

    private static String value(JsonNode filters, String field) {
        for (JsonNode f : filters) {
            if (f.get(0).asText().equals(field) && f.get(1).asText().equals("=")) {
                return f.get(2).asText();
            }
        }
        return null;
    }

    private JsonNode create(String doctype, ObjectNode doc) {
        switch (doctype) {
            case "Customer" -> {
                String name = doc.path("customer_name").asText() + " " + names.incrementAndGet();
                doc.put("name", name);
                customers.put(doc.path("email_id").asText(), name);
            }
            case "Sales Order" -> {
                String name = "SAL-ORD-BENCH-" + names.incrementAndGet();
                doc.put("name", name).put("docstatus", 0).put("grand_total", grandTotal(doc));
                String reference = doc.path("po_no").asText();
                ordersByName.put(name, doc);
                nameByReference.putIfAbsent(reference, name);
                perReference.computeIfAbsent(reference, r -> new long[3])[0]++;
            }
            case "Delivery Note" -> {
                String name = "DN-BENCH-" + names.incrementAndGet();
                doc.put("name", name);
                ObjectNode order = ordersByName.get(doc.path("items").path(0).path("against_sales_order").asText());
                String number = order == null ? "?" : order.path("po_no").asText().replaceAll("\\D", "");
                deliveryNoteByTracking.put(doc.path("lr_no").asText(), name);
                deliveryNotes.computeIfAbsent(number, k -> new AtomicLong()).incrementAndGet();
            }
            default -> doc.put("name", doctype + "-" + names.incrementAndGet());
        }
        return doc;
    }

    private JsonNode submit(String name, JsonNode changes) {
        ObjectNode order = ordersByName.get(name);
        if (order == null) {
            return null;
        }
        synchronized (order) {
            if (changes.path("docstatus").asInt() == 1 && order.path("docstatus").asInt() == 0) {
                order.put("docstatus", 1);
                long[] counts = perReference.computeIfAbsent(order.path("po_no").asText(), r -> new long[3]);
                synchronized (counts) {
                    counts[1]++;
                    if (counts[2] == 0) {
                        counts[2] = System.currentTimeMillis();
                    }
                }
                for (JsonNode item : order.path("items")) {
                    reserved.merge(item.path("item_code").asText(), item.path("qty").decimalValue(), BigDecimal::add);
                }
            } else if (changes.path("docstatus").asInt() == 1) {
                perReference.computeIfAbsent(order.path("po_no").asText(), r -> new long[3])[1]++; // a second submit
            }
        }
        return order;
    }

    /** ERPNext's grand total for the rows the mapping sends (see SimulatedErpNext for the same rules). */
    private static BigDecimal grandTotal(JsonNode doc) {
        BigDecimal gross = BigDecimal.ZERO;
        for (JsonNode item : doc.path("items")) {
            gross = gross.add(item.path("rate").decimalValue().multiply(item.path("qty").decimalValue()));
        }
        BigDecimal discount = doc.path("discount_amount").decimalValue();
        boolean onNet = "Net Total".equals(doc.path("apply_discount_on").asText());
        BigDecimal actual = BigDecimal.ZERO;
        BigDecimal added = BigDecimal.ZERO;
        for (JsonNode row : doc.path("taxes")) {
            if (row.path("charge_type").asText().equals("Actual")) {
                actual = actual.add(row.path("tax_amount").decimalValue());
            } else if (row.path("included_in_print_rate").asInt() != 1) {
                BigDecimal base = onNet ? gross.subtract(discount) : gross;
                added = added.add(base.multiply(row.path("rate").decimalValue()).movePointLeft(2).setScale(2, RoundingMode.HALF_UP));
            }
        }
        return gross.add(added).add(actual).subtract(discount).setScale(2, RoundingMode.HALF_UP);
    }

    /** {@code make_delivery_note}: the Sales Order's items as the Delivery Note's, each against its order line. */
    private void erpMethod(HttpExchange exchange) throws IOException {
        try (exchange) {
            erpRequests.incrementAndGet();
            JsonNode in = JSON.readTree(exchange.getRequestBody().readAllBytes());
            ObjectNode order = ordersByName.get(in.path("source_name").asText());
            if (!exchange.getRequestURI().getPath().endsWith(".make_delivery_note") || order == null) {
                send(exchange, 404, "{\"exc_type\":\"DoesNotExistError\"}");
                return;
            }
            ObjectNode note = JSON.createObjectNode().put("doctype", "Delivery Note").put("customer", order.path("customer").asText())
                    .put("company", order.path("company").asText());
            ArrayNode items = note.putArray("items");
            int line = 0;
            for (JsonNode item : order.path("items")) {
                items.addObject().put("item_code", item.path("item_code").asText()).put("qty", item.path("qty").decimalValue())
                        .put("rate", item.path("rate").decimalValue()).put("against_sales_order", order.path("name").asText())
                        .put("so_detail", order.path("name").asText() + "-" + line++);
            }
            ObjectNode body = JSON.createObjectNode();
            body.set("message", note);
            send(exchange, 200, body.toString());
        }
    }

    /**
     * The REST WMS: a fulfilment order per Idempotency-Key (409 with the same id for a repeat); a new one is reported
     * shipped, every line in one package, {@code --ship-delay-ms} later.
     */
    private void wms(HttpExchange exchange) throws IOException {
        try (exchange) {
            String key = String.valueOf(exchange.getRequestHeaders().getFirst("Idempotency-Key"));
            if (!exchange.getRequestMethod().equals("POST") || !exchange.getRequestURI().getPath().equals("/wms/fulfilment-orders")
                    || !String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")).equals("Bearer bench-wms-key")) {
                send(exchange, 404, "{\"error\":\"not found\"}");
                return;
            }
            JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
            String number = key.replaceAll("^.*:", "");
            String[] fresh = new String[1];
            String id = fulfilmentIds.computeIfAbsent(key, k -> fresh[0] = "FO-" + names.incrementAndGet());
            long[] counts = fulfilments.computeIfAbsent(number, k -> new long[4]);
            synchronized (counts) {
                counts[0]++;
                if (counts[1] == 0) {
                    counts[1] = System.currentTimeMillis();
                }
            }
            send(exchange, fresh[0] != null ? 201 : 409, JSON.createObjectNode().put("id", id).put("status", "accepted").toString());
            if (fresh[0] != null) {
                shipper.schedule(() -> ship(key, number, id, request, 0), shipDelayMs, java.util.concurrent.TimeUnit.MILLISECONDS);
            }
        }
    }

    private void ship(String orderKey, String number, String fulfilmentId, JsonNode request, int attempt) {
        ObjectNode event = JSON.createObjectNode().put("eventId", "ship-" + fulfilmentId).put("type", "shipment")
                .put("orderKey", orderKey).put("fulfilmentOrderId", fulfilmentId);
        ObjectNode parcel = event.putArray("packages").addObject().put("packageId", "PKG-" + fulfilmentId).put("status", "shipped")
                .put("carrier", "UPS").put("service", "Ground").put("trackingNumber", "BENCH" + number)
                .put("trackingUrl", "https://www.ups.com/track?tracknum=BENCH" + number)
                .put("occurredAt", java.time.Instant.now().toString());
        ArrayNode lines = parcel.putArray("lines");
        for (JsonNode line : request.path("lines")) {
            lines.addObject().put("sku", line.path("sku").asText()).put("quantity", line.path("quantity").asInt())
                    .put("lineId", line.path("lineId").asText());
        }
        byte[] body = event.toString().getBytes(StandardCharsets.UTF_8);
        long[] counts = fulfilments.get(number);
        synchronized (counts) {
            if (counts[2] == 0) {
                counts[2] = System.currentTimeMillis();
            }
        }
        java.net.http.HttpRequest post = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                        + connectorPort + "/webhooks/wms/" + BenchOrders.WMS_ID))
                .timeout(java.time.Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .header("X-Orderflow-Hmac-Sha256", java.util.Base64.getEncoder().encodeToString(
                        io.orderflow.intake.HmacSignatures.hmacSha256(BenchOrders.WMS_SECRET, body)))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build();
        http.sendAsync(post, java.net.http.HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
            if (failure == null && response.statusCode() == 200) {
                synchronized (counts) {
                    counts[3]++;
                }
            } else if (attempt < 20) {
                shipper.schedule(() -> ship(orderKey, number, fulfilmentId, request, attempt + 1), 500L << Math.min(attempt, 4),
                        java.util.concurrent.TimeUnit.MILLISECONDS);
            } else {
                System.out.println("shipment webhook for " + orderKey + " given up: " + (failure != null ? failure
                        : "HTTP " + response.statusCode()));
            }
        });
    }

    private void shopOrder(HttpExchange exchange) throws IOException {
        try (exchange) {
            shopRequests.incrementAndGet();
            String path = exchange.getRequestURI().getPath().substring("/shop/wp-json/wc/v3/orders/".length());
            String id = path.endsWith("/notes") ? path.substring(0, path.length() - "/notes".length()) : path;
            String method = exchange.getRequestMethod();
            if (!id.matches("\\d+")) {
                send(exchange, 404, "{\"code\":\"woocommerce_rest_shop_order_invalid_id\"}");
                return;
            }
            if (path.endsWith("/notes")) {
                ArrayNode notes = JSON.createArrayNode();
                if (method.equals("POST")) {
                    JsonNode note = JSON.readTree(exchange.getRequestBody().readAllBytes());
                    shopNotes.computeIfAbsent(id, k -> new AtomicLong()).incrementAndGet();
                    send(exchange, 201, JSON.createObjectNode().put("id", names.incrementAndGet())
                            .put("note", note.path("note").asText()).put("customer_note", true).toString());
                    return;
                }
                if (shopNotes.containsKey(id)) {   // the tracking number is BENCH<id>
                    notes.addObject().put("id", 1).put("note", "Shipped, tracking number BENCH" + id).put("customer_note", true);
                }
                send(exchange, 200, notes.toString());
                return;
            }
            if (method.equals("PUT")) {
                JsonNode change = JSON.readTree(exchange.getRequestBody().readAllBytes());
                if ("completed".equals(change.path("status").asText())) {
                    shopCompleted.computeIfAbsent(id, k -> new AtomicLong()).incrementAndGet();
                }
            }
            String order = BenchOrders.wooOrder(Long.parseLong(id));
            if (shopCompleted.containsKey(id)) {
                ObjectNode completed = (ObjectNode) JSON.readTree(order);
                order = completed.put("status", "completed").toString();
            }
            send(exchange, 200, order);
        }
    }

    private void twilio(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> form = query(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            Matcher number = NUMBER.matcher(form.getOrDefault("Body", ""));
            sms.computeIfAbsent(number.find() ? number.group(1) : "?", k -> new AtomicLong()).incrementAndGet();
            send(exchange, 201, JSON.createObjectNode().put("sid", "SM" + names.incrementAndGet()).put("status", "queued")
                    .put("to", form.get("To")).put("from", form.get("From")).put("body", form.get("Body")).toString());
        }
    }

    private void stats(HttpExchange exchange) throws IOException {
        try (exchange) {
            ObjectNode stats = JSON.createObjectNode().put("erpRequests", erpRequests.get())
                    .put("shopRequests", shopRequests.get());
            ObjectNode orders = stats.putObject("erpOrders");
            perReference.forEach((reference, c) -> orders.putArray(reference).add(c[0]).add(c[1]).add(c[2]));
            ObjectNode mails = stats.putObject("mails");
            ObjectNode shippedMails = stats.putObject("shippedMails");
            java.util.List<SmtpSink.Mail> received = smtp.mails();
            for (SmtpSink.Mail mail : received) {
                String subject = String.valueOf(mail.subject());
                Matcher number = NUMBER.matcher(subject);
                String key = number.find() ? number.group(1) : "?";
                if (subject.contains("shipped")) {   // {count, first received at}
                    ArrayNode entry = shippedMails.has(key) ? (ArrayNode) shippedMails.get(key) : shippedMails.putArray(key).add(0).add(0);
                    entry.set(0, entry.numberNode(entry.get(0).asLong() + 1));
                    if (entry.get(1).asLong() == 0) {
                        entry.set(1, entry.numberNode(mail.receivedAtMs()));
                    }
                } else {
                    mails.put(key, mails.path(key).asLong() + 1);
                }
            }
            ObjectNode texts = stats.putObject("sms");
            sms.forEach((k, v) -> texts.put(k, v.get()));
            ObjectNode wms = stats.putObject("fulfilments");   // {created, firstCreatedMs, shipmentSentMs, shipmentsAnswered200}
            fulfilments.forEach((k, c) -> wms.putArray(k).add(c[0]).add(c[1]).add(c[2]).add(c[3]));
            ObjectNode notes = stats.putObject("shopNotes");
            shopNotes.forEach((k, v) -> notes.put(k, v.get()));
            ObjectNode completed = stats.putObject("shopCompleted");
            shopCompleted.forEach((k, v) -> completed.put(k, v.get()));
            ObjectNode delivered = stats.putObject("deliveryNotes");
            deliveryNotes.forEach((k, v) -> delivered.put(k, v.get()));
            send(exchange, 200, stats.toString());
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> values = new java.util.HashMap<>();
        if (raw == null) {
            return values;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                values.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    static void drain(InputStream in) throws IOException {
        in.readAllBytes();
    }
}

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
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.mail.internet.MimeMessage;

/**
 * The benchmark's downstream systems, in a process of their own (so their CPU is not the connector's):
 * <ul>
 * <li>{@code /erp/api/resource/...}: ERPNext's Frappe REST as the ERP stage uses it (list with filters, Customer,
 * Address and Sales Order create, Sales Order read, submit with {@code docstatus: 1}); items SKU-* always exist with
 * ample stock; grand totals computed like ERPNext (included / added "On Net Total" rows, "Actual" rows, discount);
 * each answer after {@code --erp-latency-ms};</li>
 * <li>{@code /shop/wp-json/wc/v3/orders/{id}}: the WooCommerce order API (the gate asks it when a payment comes first);</li>
 * <li>{@code /twilio/2010-04-01/Accounts/{sid}/Messages.json}: Twilio's Messages API (201, queued);</li>
 * <li>SMTP on {@code --smtp-port} (GreenMail);</li>
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
    private GreenMail smtp;

    private BenchStubs(long erpLatencyMs) {
        this.erpLatencyMs = erpLatencyMs;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Bench.options(args);
        int port = Integer.parseInt(options.getOrDefault("port", "18101"));
        int smtpPort = Integer.parseInt(options.getOrDefault("smtp-port", "18102"));
        BenchStubs stubs = new BenchStubs(Long.parseLong(options.getOrDefault("erp-latency-ms", "0")));
        stubs.smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", "smtp"));
        stubs.smtp.start();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 512);
        server.setExecutor(Executors.newFixedThreadPool(64));
        server.createContext("/erp/api/resource/", stubs::erp);
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

    private void shopOrder(HttpExchange exchange) throws IOException {
        try (exchange) {
            shopRequests.incrementAndGet();
            String id = exchange.getRequestURI().getPath().substring("/shop/wp-json/wc/v3/orders/".length());
            if (!exchange.getRequestMethod().equals("GET") || !id.matches("\\d+")) {
                send(exchange, 404, "{\"code\":\"woocommerce_rest_shop_order_invalid_id\"}");
                return;
            }
            send(exchange, 200, BenchOrders.wooOrder(Long.parseLong(id)));
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
            for (MimeMessage message : smtp.getReceivedMessages()) {
                Matcher number = NUMBER.matcher(String.valueOf(message.getSubject()));
                String key = number.find() ? number.group(1) : "?";
                mails.put(key, mails.path(key).asLong() + 1);
            }
            ObjectNode texts = stats.putObject("sms");
            sms.forEach((k, v) -> texts.put(k, v.get()));
            send(exchange, 200, stats.toString());
        } catch (jakarta.mail.MessagingException e) {
            send(exchange, 500, "{}");
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

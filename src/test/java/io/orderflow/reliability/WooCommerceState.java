package io.orderflow.reliability;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

/**
 * A WireMock response transformer that is a WooCommerce shop's REST v3 order API with memory, as far as orderflow
 * uses it: {@code GET /wp-json/wc/v3/orders/{id}} (the order as it is now; 404 for one the shop does not have),
 * {@code PUT /orders/{id}} (status), {@code GET /orders/{id}/notes} (newest first) and {@code POST /orders/{id}/notes}.
 * The suites count the effects: customer notes per order and tracking number, and orders set completed. {@link #slowMs}
 * makes every answer come that late, AFTER the work was done (a shop slower than the connector's timeout still writes
 * the note). Product lookups (the stock push) find nothing: the SKUs are not sold in this shop.
 */
public final class WooCommerceState implements ResponseDefinitionTransformerV2 {

    public static final String NAME = "woocommerce-state";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ORDER = Pattern.compile("/wp-json/wc/v3/orders/(\\d+)(/notes)?(\\?.*)?");

    private final Map<String, ObjectNode> orders = new ConcurrentHashMap<>();
    private final Map<String, ArrayNode> notes = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> completed = new ConcurrentHashMap<>();
    private final AtomicInteger noteIds = new AtomicInteger(5000);
    volatile int slowMs;

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    /** The shop has (now) this order, in its REST shape. */
    public void put(ObjectNode order) {
        orders.put(order.path("id").asText(), order.deepCopy());
    }

    @Override
    public synchronized ResponseDefinition transform(ServeEvent event) {
        var request = event.getRequest();
        String method = request.getMethod().getName();
        String path = request.getUrl().replaceFirst("^/woo", "");
        try {
            if (path.startsWith("/wp-json/wc/v3/products")) {
                return answer(200, "[]");
            }
            Matcher m = ORDER.matcher(path);
            if (!m.matches() || !orders.containsKey(m.group(1))) {
                return answer(404, "{\"code\":\"woocommerce_rest_shop_order_invalid_id\",\"message\":\"Invalid ID.\",\"data\":{\"status\":404}}");
            }
            String id = m.group(1);
            ObjectNode order = orders.get(id);
            if (m.group(2) == null) {
                if (method.equals("PUT")) {
                    String status = JSON.readTree(request.getBodyAsString()).path("status").asText();
                    if (status.equals("completed") && !order.path("status").asText().equals("completed")) {
                        completed.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                    }
                    order.put("status", status);
                }
                return answer(200, order.toString());
            }
            ArrayNode list = notes.computeIfAbsent(id, k -> JSON.createArrayNode());
            if (method.equals("POST")) {
                JsonNode body = JSON.readTree(request.getBodyAsString());
                ObjectNode note = JSON.createObjectNode().put("id", noteIds.incrementAndGet()).put("author", "WooCommerce")
                        .put("note", body.path("note").asText()).put("customer_note", body.path("customer_note").asBoolean());
                list.insert(0, note);
                return answer(201, note.toString());
            }
            return answer(200, list.toString());
        } catch (Exception e) {
            return answer(500, "{\"code\":\"test_stub_error\",\"message\":\"" + e.getClass().getSimpleName() + "\"}");
        }
    }

    /** The customer notes of an order that name this tracking number. */
    public synchronized int notesNaming(String orderId, String trackingNumber) {
        List<JsonNode> found = new ArrayList<>();
        notes.getOrDefault(orderId, JSON.createArrayNode()).forEach(n -> {
            if (n.path("note").asText().contains(trackingNumber)) {
                found.add(n);
            }
        });
        return found.size();
    }

    /** How often the order went to completed (PUT status completed while it was not). */
    public int completions(String orderId) {
        AtomicInteger n = completed.get(orderId);
        return n == null ? 0 : n.get();
    }

    private ResponseDefinition answer(int status, String body) {
        ResponseDefinitionBuilder answer = new ResponseDefinitionBuilder().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(body);
        if (slowMs > 0) {
            answer.withFixedDelay(slowMs);
        }
        return answer.build();
    }
}

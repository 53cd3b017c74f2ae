package io.orderflow.status;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Where is each order? (docs/operations.md, "Order status and timeline"). Read-only: the viewer role is enough.
 * <ul>
 * <li>{@code GET /api/orders/{orderKey}}: current stage, since when, the furthest stage reached, the details the
 * stages reported (ERP order id, fulfilment id, packages and tracking numbers, notifications sent, review reasons)
 * and the timeline of every event, ISO-8601 times; 404 for an order orderflow has no status of.</li>
 * <li>{@code GET /api/orders?stage=review} (any stage, e.g. released, allocated, payment-without-order): the orders
 * whose current stage it is, with reason and age (seconds and ISO-8601 duration), oldest first.</li>
 * </ul>
 * Nothing of the request is answered back (an unknown key is not echoed).
 */
@RestController
@RequestMapping(path = "/api/orders", produces = MediaType.APPLICATION_JSON_VALUE)
public class OrderStatusController {

    private static final Pattern STAGE = Pattern.compile("[a-z0-9-]{1,64}");

    private final OrderStatusStore store;
    private final StatusProperties properties;
    private final ObjectMapper mapper;

    public OrderStatusController(OrderStatusStore store, StatusProperties properties, ObjectMapper mapper) {
        this.store = store;
        this.properties = properties;
        this.mapper = mapper;
    }

    @GetMapping("/{orderKey}")
    public ResponseEntity<?> order(@PathVariable String orderKey) {
        if (orderKey.isBlank() || orderKey.length() > 200) {
            return error(HttpStatus.NOT_FOUND, "no status for this order key");
        }
        ObjectNode status = store.load(orderKey);
        if (status == null) {
            return error(HttpStatus.NOT_FOUND, "no status for this order key");
        }
        return ResponseEntity.ok(status);
    }

    @GetMapping
    public ResponseEntity<?> byStage(@RequestParam(required = false) String stage) {
        if (stage == null || !STAGE.matcher(stage).matches()) {
            return error(HttpStatus.BAD_REQUEST, "stage is required: lower-case letters, digits and '-'");
        }
        Instant now = Instant.now();
        List<ObjectNode> found = store.list(stage, properties.getMaxListSize());
        ArrayNode orders = mapper.createArrayNode();
        found.stream()
                .sorted((a, b) -> a.path("stageSince").asText().compareTo(b.path("stageSince").asText()))
                .forEach(s -> {
                    ObjectNode o = orders.addObject().put("orderKey", s.path("orderKey").asText())
                            .put("channel", s.path("channel").asText())
                            .put("stage", s.path("stage").asText())
                            .put("since", s.path("stageSince").asText());
                    if (s.hasNonNull("reason")) {
                        o.put("reason", s.get("reason").asText());
                    }
                    try {
                        Duration age = Duration.between(Instant.parse(s.path("stageSince").asText()), now);
                        o.put("ageSeconds", age.toSeconds()).put("age", age.withNanos(0).toString());
                    } catch (RuntimeException e) {
                        o.putNull("ageSeconds");
                    }
                    o.put("updatedAt", s.path("updatedAt").asText());
                });
        ObjectNode answer = mapper.createObjectNode().put("count", orders.size())
                .put("truncated", found.size() >= properties.getMaxListSize());
        answer.set("orders", orders);
        return ResponseEntity.ok(answer);
    }

    private static ResponseEntity<Map<String, String>> error(HttpStatus status, String message) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(Map.of("error", message));
    }
}

package io.orderflow.simulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderflow.config.OrderflowProperties;
import io.orderflow.intake.HmacSignatures;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Profile;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * A warehouse that speaks orderflow's generic REST WMS contract (docs/wms-rest-api.yaml), profile sim, under /sim/wms:
 * <ul>
 * <li>{@code POST /sim/wms/fulfilment-orders} (Bearer token, Idempotency-Key = order key): 201 with a new
 * FO-SIM-n, or 409 with the existing one for a key it has seen;</li>
 * <li>{@code POST /sim/wms/fulfilment-orders/{id}/cancel}: cancels what has not shipped;</li>
 * <li>{@code GET /sim/wms/fulfilment-orders}: what it holds and how far each got.</li>
 * </ul>
 * A few seconds after an order arrives it "ships" it, posting a signed shipment webhook to /webhooks/wms/{id}
 * (X-Orderflow-Hmac-Sha256 with the first orderflow.wms.webhook-secrets): an order of two or more lines goes in two
 * packages, the second a little later. Then, as a carrier feed would, it reports each package in transit, out for
 * delivery and delivered, a few seconds apart. Every order gets a fixed, small number of timer tasks (at most seven),
 * on one scheduler thread that stops with the application.
 */
@RestController
@Profile(Simulators.PROFILE)
@ConditionalOnProperty(name = "orderflow.simulator.enabled", havingValue = "true")
public class SimulatedWms {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedWms.class);
    /** Seconds between the simulated warehouse's and carrier's steps. */
    static final long STEP_SECONDS = 4;

    private final OrderflowProperties.Wms settings;
    private final Environment environment;
    private final ObjectMapper mapper;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "simulated-wms");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, SimOrder> byKey = new ConcurrentHashMap<>();
    private final Map<String, SimOrder> byId = new ConcurrentHashMap<>();
    private final AtomicInteger sequence = new AtomicInteger(1000);

    public SimulatedWms(OrderflowProperties properties, Environment environment, ObjectMapper mapper) {
        this.settings = properties.getWms();
        this.environment = environment;
        this.mapper = mapper;
    }

    static final class SimOrder {
        final String id;
        final String orderKey;
        final JsonNode request;
        volatile String status = "accepted";
        final List<ScheduledFuture<?>> timers = new ArrayList<>();

        SimOrder(String id, String orderKey, JsonNode request) {
            this.id = id;
            this.orderKey = orderKey;
            this.request = request;
        }
    }

    @PostMapping(path = "/sim/wms/fulfilment-orders", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Map<String, Object>> create(@RequestHeader(name = "Authorization", required = false) String authorization,
            @RequestHeader(name = "Idempotency-Key", required = false) String key, @RequestBody JsonNode request) {
        if (!("Bearer " + settings.getApiKey()).equals(authorization)) {
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED).body(Map.of("error", "invalid token"));
        }
        if (key == null || key.isBlank() || !request.path("lines").isArray() || request.path("lines").isEmpty()) {
            return ResponseEntity.badRequest().body(Map.of("error", "Idempotency-Key and lines are required"));
        }
        SimOrder fresh = new SimOrder("FO-SIM-" + sequence.incrementAndGet(), key, request);
        SimOrder existing = byKey.putIfAbsent(key, fresh);
        if (existing != null) {
            return ResponseEntity.status(HttpStatus.CONFLICT).body(Map.of("id", existing.id, "status", existing.status));
        }
        byId.put(fresh.id, fresh);
        schedule(fresh);
        LOG.info("Simulated WMS: fulfilment order {} for {} ({} lines)", fresh.id, key, request.path("lines").size());
        return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("id", fresh.id, "status", "accepted"));
    }

    @PostMapping(path = "/sim/wms/fulfilment-orders/{id}/cancel", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Map<String, Object>> cancel(@RequestHeader(name = "Authorization", required = false) String authorization,
            @PathVariable String id) {
        if (!("Bearer " + settings.getApiKey()).equals(authorization)) {
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED).body(Map.of("error", "invalid token"));
        }
        SimOrder order = byId.get(id);
        if (order == null) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", "unknown fulfilment order"));
        }
        synchronized (order) {
            if (!order.status.equals("accepted") && !order.status.equals("cancelled")) {
                return ResponseEntity.status(HttpStatus.CONFLICT).body(Map.of("id", id, "status", order.status,
                        "error", "already shipped"));
            }
            order.status = "cancelled";
            order.timers.forEach(t -> t.cancel(false));
        }
        return ResponseEntity.ok(Map.of("id", id, "status", "cancelled"));
    }

    @GetMapping(path = "/sim/wms/fulfilment-orders", produces = MediaType.APPLICATION_JSON_VALUE)
    public List<Map<String, Object>> list() {
        List<Map<String, Object>> all = new ArrayList<>();
        for (SimOrder order : byId.values()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", order.id);
            row.put("orderKey", order.orderKey);
            row.put("status", order.status);
            row.put("lines", order.request.path("lines").size());
            all.add(row);
        }
        return all;
    }

    /** At most seven timer tasks per order: ship (one or two packages), then three carrier steps per package. */
    private void schedule(SimOrder order) {
        List<ArrayNode> packages = packages(order.request.path("lines"));
        synchronized (order) {
            for (int p = 0; p < packages.size(); p++) {
                String packageId = order.id + "-P" + (p + 1);
                String tracking = "1ZSIM" + order.id.replaceAll("\\D", "") + (p + 1);
                ArrayNode lines = packages.get(p);
                long start = STEP_SECONDS + p * 2L;
                order.timers.add(scheduler.schedule(() -> ship(order, packageId, tracking, lines), start, TimeUnit.SECONDS));
                String[] carrier = {"in_transit", "out_for_delivery", "delivered"};
                for (int s = 0; s < carrier.length; s++) {
                    String status = carrier[s];
                    order.timers.add(scheduler.schedule(() -> track(order, packageId, tracking, status),
                            start + (s + 1) * STEP_SECONDS, TimeUnit.SECONDS));
                }
            }
        }
    }

    /** One package with every line, or (two lines or more) the first line, then the rest. */
    private List<ArrayNode> packages(JsonNode requestLines) {
        List<ArrayNode> packages = new ArrayList<>();
        ArrayNode first = mapper.createArrayNode();
        ArrayNode rest = mapper.createArrayNode();
        int i = 0;
        for (JsonNode line : requestLines) {
            ObjectNode shipped = (i++ == 0 ? first : rest).addObject();
            shipped.put("sku", line.path("sku").asText()).put("quantity", line.path("quantity").asInt())
                    .put("lineId", line.path("lineId").asText());
        }
        packages.add(first);
        if (!rest.isEmpty()) {
            packages.add(rest);
        }
        return packages;
    }

    private void ship(SimOrder order, String packageId, String tracking, ArrayNode lines) {
        synchronized (order) {
            if (order.status.equals("cancelled")) {
                return;
            }
            order.status = "shipped";
        }
        ObjectNode pkg = packageNode(packageId, tracking, "shipped");
        pkg.set("lines", lines);
        post(order, "shipment", pkg);
    }

    private void track(SimOrder order, String packageId, String tracking, String status) {
        if (order.status.equals("cancelled")) {
            return;
        }
        if (status.equals("delivered")) {
            order.status = "delivered";
        }
        post(order, "tracking", packageNode(packageId, tracking, status));
    }

    private ObjectNode packageNode(String packageId, String tracking, String status) {
        return mapper.createObjectNode().put("packageId", packageId).put("status", status)
                .put("carrier", "UPS").put("service", "Ground").put("trackingNumber", tracking)
                .put("trackingUrl", "https://www.ups.com/track?tracknum=" + tracking)
                .put("occurredAt", Instant.now().toString());
    }

    private void post(SimOrder order, String type, ObjectNode pkg) {
        try {
            ObjectNode webhook = mapper.createObjectNode()
                    .put("eventId", "evt-" + pkg.path("packageId").asText() + "-" + pkg.path("status").asText())
                    .put("type", type).put("orderKey", order.orderKey).put("fulfilmentOrderId", order.id);
            webhook.putArray("packages").add(pkg);
            byte[] body = mapper.writeValueAsBytes(webhook);
            String signature = java.util.Base64.getEncoder().encodeToString(
                    HmacSignatures.hmacSha256(settings.getWebhookSecrets().get(0), body));
            String port = environment.getProperty("local.server.port", environment.getProperty("server.port", "8080"));
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(
                            URI.create("http://localhost:" + port + "/webhooks/wms/" + settings.getId()))
                    .header("Content-Type", "application/json; charset=utf-8")
                    .header("X-Orderflow-Hmac-Sha256", signature)
                    .timeout(java.time.Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
            LOG.info("Simulated WMS: package {} of {} {} (webhook answered {})", pkg.path("packageId").asText(), order.orderKey,
                    pkg.path("status").asText(), response.statusCode());
        } catch (Exception e) {
            LOG.warn("Simulated WMS: webhook for {} not delivered: {}", order.orderKey, e.toString());
        }
    }

    @PreDestroy
    void stop() {
        scheduler.shutdownNow();
    }
}

package io.orderflow.reliability;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

/**
 * A WireMock response transformer for {@code POST /fulfilment-orders} of orderflow's REST WMS contract
 * (docs/wms-rest-api.yaml) that remembers what it created, as a real WMS does: the first request with an
 * {@code Idempotency-Key} creates a fulfilment order (201 {"id": "FO-n"}), every later one with that key answers 409
 * with the same id. {@link #created} counts creations per key: the effect the suites count (more than one would be a
 * second pick list in the warehouse). {@link #slowMs} makes every answer come that late, AFTER the order was created,
 * as a WMS that is slower than the connector's timeout still does the work.
 */
public final class WmsFulfilmentState implements ResponseDefinitionTransformerV2 {

    public static final String NAME = "wms-fulfilment-state";

    private final Map<String, String> idByKey = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> created = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger(1000);
    volatile int slowMs;

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        String key = event.getRequest().getHeader("Idempotency-Key");
        if (key == null || key.isBlank()) {
            return new ResponseDefinitionBuilder().withStatus(400).withHeader("Content-Type", "application/json")
                    .withBody("{\"error\":\"Idempotency-Key is required\"}").build();
        }
        boolean[] isNew = {false};
        String id = idByKey.computeIfAbsent(key, k -> {
            isNew[0] = true;
            created.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet();
            return "FO-" + next.incrementAndGet();
        });
        ResponseDefinitionBuilder answer = new ResponseDefinitionBuilder().withStatus(isNew[0] ? 201 : 409)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"id\":\"" + id + "\",\"status\":\"" + (isNew[0] ? "accepted" : "picking") + "\"}");
        if (slowMs > 0) {
            answer.withFixedDelay(slowMs);
        }
        return answer.build();
    }

    /** Fulfilment orders created for this order key (Idempotency-Key): 1 is right, 0 lost, 2 doubled. */
    public int created(String orderKey) {
        AtomicInteger n = created.get(orderKey);
        return n == null ? 0 : n.get();
    }

    public int createdTotal() {
        return created.values().stream().mapToInt(AtomicInteger::get).sum();
    }
}

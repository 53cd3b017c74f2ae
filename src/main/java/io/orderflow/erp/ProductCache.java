package io.orderflow.erp;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ERP products found per SKU (the product's ERP id), remembered for a bounded time (orderflow.erp.product-cache-ttl)
 * and at most {@value #MAX_ENTRIES} SKUs, so the ERP stage does not ask the ERP for the same products on every order
 * (issue 13). Only found products are remembered: an unknown SKU is asked again on the next order (create it in the
 * ERP, then replay). Quantities are never cached here.
 */
final class ProductCache {

    static final int MAX_ENTRIES = 10_000;

    private final long ttlMillis;
    private final Clock clock;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    private record Entry(String id, long expiresAt) {
    }

    ProductCache(Duration ttl, Clock clock) {
        this.ttlMillis = ttl.toMillis();
        this.clock = clock;
    }

    /** The ERP ids of every SKU, or null when one of them is not known (or expired): then ask the ERP. */
    synchronized Map<String, String> idsOfAll(Collection<String> skus) {
        if (ttlMillis <= 0) {
            return null;
        }
        long now = clock.millis();
        Map<String, String> ids = new LinkedHashMap<>();
        for (String sku : skus) {
            Entry entry = entries.get(sku);
            if (entry == null || entry.expiresAt() <= now) {
                return null;
            }
            ids.put(sku, entry.id());
        }
        return ids;
    }

    synchronized void remember(String sku, String id) {
        if (ttlMillis > 0) {
            entries.put(sku, new Entry(id, clock.millis() + ttlMillis));
        }
    }
}

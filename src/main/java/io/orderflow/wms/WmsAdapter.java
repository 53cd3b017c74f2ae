package io.orderflow.wms;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One warehouse management system (WMS), chosen by orderflow.wms.kind (docs/fulfilment.md): {@code rest} (orderflow's
 * generic REST contract, {@link io.orderflow.wms.rest.RestWms}) or {@code shipstation} (ShipStation API v1,
 * {@link io.orderflow.wms.shipstation.ShipStationWms}). Request bodies come from the JSONata mappings in mappings/
 * ({@link #orderMapping}); the WMS's shipment webhooks are turned into canonical shipment events by
 * {@link #shipmentMapping}.
 *
 * <p>Failures: the WMS is unreachable, times out, answers 5xx or 429 -> {@link WmsUnavailableException} (the stage
 * rolls back and waits on the broker; the circuit breaker counts it); the WMS refuses the order as it is (4xx
 * validation) -> {@link WmsRejectedException} (parked on review with the WMS's reason).
 */
public interface WmsAdapter {

    /** The fulfilment order in the WMS: its id there, and whether it existed already (an idempotent repeat). */
    record FulfilmentOrder(String id, boolean existed) {
    }

    /** The mapping (file in mappings/) from the allocated order to this WMS's create request. */
    String orderMapping();

    /** The mapping from this WMS's shipment payload to canonical shipment events (an array). */
    String shipmentMapping();

    /**
     * Creates the fulfilment order, idempotent on the order key: a second call for the same order changes nothing
     * beyond an upsert of the same content.
     */
    FulfilmentOrder create(String orderKey, JsonNode request);

    /** Cancels the fulfilment order (idempotent: cancelling a cancelled order succeeds). */
    void cancel(String orderKey, String wmsFulfilmentId, JsonNode request);

    /**
     * The shipment payload a webhook refers to. The REST contract's webhook carries it ({@code body} is returned);
     * ShipStation's SHIP_NOTIFY carries only a resource_url, fetched here with our credentials (which is its
     * verification).
     */
    String shipmentPayload(String body);
}

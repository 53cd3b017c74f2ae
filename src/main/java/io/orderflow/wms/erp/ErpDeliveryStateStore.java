package io.orderflow.wms.erp;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderflow.broker.BrokerAddresses;
import jakarta.jms.TextMessage;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Component;

/**
 * The ERP delivery poll's memory on the last-value queue orderflow.erp.delivery.state, keyed by the
 * {@code deliveryKey} property, browsed (it stays there):
 * <ul>
 * <li>{@code watermark:<erp kind>}: {@code {"erp","watermark","readAt"}}, the newest done delivery read (the ERP's
 * clock, in its format), written by the poll after its events are on the broker;</li>
 * <li>{@code reference:<erpReference>}: {@code {"erpReference","orderKey"}}, written by the fulfilment stage in its
 * transaction when it hands an order to the ERP's warehouse: which order a delivery of that ERP order belongs to.
 * One index for the three ERPs, so no ERP needs a field of its own for the orderKey.</li>
 * </ul>
 */
@Component("erpDeliveryStateStore")
public class ErpDeliveryStateStore {

    public static final String KEY = "deliveryKey";
    private static final int KEYS_PER_BROWSE = 100;

    private final JmsTemplate jms;
    private final ObjectMapper mapper;

    public ErpDeliveryStateStore(JmsTemplate jms, ObjectMapper mapper) {
        this.jms = jms;
        this.mapper = mapper;
    }

    public static String watermarkKey(String erpKind) {
        return "watermark:" + erpKind;
    }

    public static String referenceKey(String erpReference) {
        return "reference:" + erpReference;
    }

    /** The poll's watermark for this ERP, or null before its first run. */
    public String watermark(String erpKind) {
        JsonNode entry = read(List.of(watermarkKey(erpKind))).get(watermarkKey(erpKind));
        return entry == null ? null : entry.path("watermark").asText(null);
    }

    /** Records the poll's new watermark (replacing the previous one). */
    public void saveWatermark(String erpKind, String watermark, String readAt) {
        ObjectNode value = mapper.createObjectNode().put("erp", erpKind).put("watermark", watermark).put("readAt", readAt);
        jms.send(BrokerAddresses.ERP_DELIVERY_STATE, session -> {
            TextMessage message = session.createTextMessage(value.toString());
            message.setStringProperty(KEY, watermarkKey(erpKind));
            return message;
        });
    }

    /** The orderKey of each ERP reference the fulfilment stage recorded (references not recorded are missing). */
    public Map<String, String> orderKeys(Collection<String> erpReferences) {
        Map<String, String> found = new HashMap<>();
        read(erpReferences.stream().distinct().map(ErpDeliveryStateStore::referenceKey).toList()).forEach((key, value) ->
                found.put(key.substring("reference:".length()), value.path("orderKey").asText()));
        return found;
    }

    /** The stored entries for these keys. */
    private Map<String, JsonNode> read(List<String> keys) {
        Map<String, JsonNode> found = new HashMap<>();
        List<String> all = new ArrayList<>(keys);
        for (int i = 0; i < all.size(); i += KEYS_PER_BROWSE) {
            String selector = KEY + " IN (" + all.subList(i, Math.min(all.size(), i + KEYS_PER_BROWSE)).stream()
                    .map(k -> "'" + k.replace("'", "''") + "'").collect(Collectors.joining(",")) + ")";
            jms.browseSelected(BrokerAddresses.ERP_DELIVERY_STATE, selector, (session, browser) -> {
                var messages = browser.getEnumeration();
                while (messages.hasMoreElements()) {
                    TextMessage message = (TextMessage) messages.nextElement();
                    try {
                        found.put(message.getStringProperty(KEY), mapper.readTree(message.getText()));
                    } catch (IOException e) {
                        throw new IllegalStateException("unreadable ERP delivery state " + message.getStringProperty(KEY), e);
                    }
                }
                return null;
            });
        }
        return found;
    }
}

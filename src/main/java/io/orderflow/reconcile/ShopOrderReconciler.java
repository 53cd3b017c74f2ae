package io.orderflow.reconcile;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.orderflow.config.OrderflowProperties;
import io.orderflow.config.OrderflowProperties.Channel;
import io.orderflow.shop.ShopChannel;
import io.orderflow.shop.ShopPlatform;
import io.orderflow.shop.ShopPlatform.ChangedOrder;
import io.orderflow.shop.ShopPlatforms;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The reconciliation poll (route {@code shop-order-reconcile}, docs/reliability.md "Lost webhooks"): asks every shop
 * channel whose platform can list changed orders ({@link ShopPlatform#supportsReconciliation}) for the orders created
 * or changed since its watermark minus orderflow.reconcile.overlap (the first time: initial-lookback ago), and hands
 * each to the route as the intake would have enqueued its "order updated" webhook: the same headers
 * (orderflowChannel, orderflowChannelType, orderflowTopic = the platform's {@link ShopPlatform#fetchedOrderTopic},
 * orderflowReceivedAt, orderKey, JMSXGroupID) and a delivery id derived from (channel, order id, the order's own
 * change time): {@code <platform>:<channel>:reconcile:<order id>:<change time>}. The route sends each through
 * direct:durable-send with that id as the broker duplicate id, so an unchanged order polled again is stored once;
 * an order that also arrived by webhook reaches the payment gate twice, which releases an order once.
 *
 * <p>A channel whose shop fails (down, 5xx, throttling, refused credentials) is logged in one line and left out of
 * this run: nothing of it is sent and its watermark stays; the next run asks again. The watermarks (the newest change
 * read per channel) are saved only after every order of the run is on the broker ({@link #saveWatermarks}).
 */
@Component("shopOrderReconciler")
public class ShopOrderReconciler {

    private static final Logger LOG = LoggerFactory.getLogger(ShopOrderReconciler.class);
    static final String WATERMARKS = "reconcileWatermarks";

    private final Map<String, Channel> channels;
    private final ShopPlatforms platforms;
    private final ReconcileStateStore store;
    private final OrderflowProperties.Reconcile settings;
    private final Set<String> toldUnsupported = ConcurrentHashMap.newKeySet();

    public ShopOrderReconciler(OrderflowProperties properties, ShopPlatforms platforms, ReconcileStateStore store) {
        this.channels = properties.getChannels();
        this.platforms = platforms;
        this.store = store;
        this.settings = properties.getReconcile();
    }

    /** One order found, as the intake would have described its webhook: headers and the shop's order JSON. */
    public record FoundOrder(Map<String, Object> headers, String body) {
    }

    /**
     * Asks every shop; the body becomes the list of {@link FoundOrder}s, the variable {@code reconcileWatermarks}
     * the new watermark per channel that found something.
     */
    public void poll(Exchange exchange) throws InterruptedException {
        List<FoundOrder> found = new ArrayList<>();
        Map<String, Instant> watermarks = new LinkedHashMap<>();
        for (Map.Entry<String, Channel> entry : new java.util.TreeMap<>(channels).entrySet()) {
            String channelId = entry.getKey();
            ShopPlatform platform = platforms.forType(entry.getValue().getType());
            if (!platform.supportsReconciliation() || entry.getValue().getApi().getBaseUrl() == null
                    || entry.getValue().getApi().getBaseUrl().isBlank()) {
                if (toldUnsupported.add(channelId)) {
                    LOG.info("Reconciliation poll: channel {} ({}) is not polled ({})", channelId, platform.name(),
                            platform.supportsReconciliation() ? "no api.base-url" : "the platform has no order listing");
                }
                continue;
            }
            ShopChannel channel = new ShopChannel(channelId, entry.getValue());
            Instant watermark;
            Instant since;
            try {
                watermark = store.watermark(channelId);
            } catch (RuntimeException e) {
                LOG.warn("Reconciliation poll of channel {}: the watermark could not be read, the next run tries again: {}",
                        channelId, e.getClass().getSimpleName());
                continue;
            }
            since = watermark == null ? Instant.now().minus(settings.getInitialLookback())
                    : watermark.minus(settings.getOverlap());
            List<FoundOrder> ofChannel = new ArrayList<>();
            Instant newest = watermark;
            try {
                String page = null;
                int pages = 0;
                do {
                    ShopPlatform.ChangedOrdersPage result = platform.ordersChangedSince(channel, since, page);
                    for (ChangedOrder order : result.orders()) {
                        ofChannel.add(describe(channelId, platform, order));
                        if (newest == null || order.modifiedAt().isAfter(newest)) {
                            newest = order.modifiedAt();
                        }
                    }
                    page = result.nextPage();
                    pages++;
                } while (page != null && pages < settings.getMaxPages());
            } catch (java.io.IOException | RuntimeException e) {
                // One line, no stack trace, nothing of the shop's answer (it may hold customer data)
                LOG.warn("Reconciliation poll of channel {}: the shop API failed, the next run asks again from {}: {}: {}",
                        channelId, since, e.getClass().getSimpleName(), e.getMessage());
                continue;
            }
            found.addAll(ofChannel);
            if (newest != null && !newest.equals(watermark)) {
                watermarks.put(channelId, newest);
                LOG.info("Reconciliation poll of channel {}: {} order(s) changed since {}; next run from {}",
                        channelId, ofChannel.size(), since, newest);
            } else {
                LOG.debug("Reconciliation poll of channel {}: {} order(s) re-read within the overlap since {}",
                        channelId, ofChannel.size(), since);
            }
        }
        exchange.setVariable(WATERMARKS, watermarks);
        exchange.getMessage().setBody(found);
    }

    private static FoundOrder describe(String channelId, ShopPlatform platform, ChangedOrder order) {
        Map<String, Object> headers = new LinkedHashMap<>();
        String orderKey = channelId + ":" + order.id();
        headers.put("orderflowIntake", "event");
        headers.put("orderflowSource", channelId);
        headers.put("orderflowChannel", channelId);
        headers.put("orderflowChannelType", platform.name());
        headers.put("orderflowTopic", platform.fetchedOrderTopic());
        headers.put("orderflowReceivedAt", Instant.now().toString());
        headers.put("orderflowOrigin", "reconcile");
        headers.put("orderKey", orderKey);
        headers.put("JMSXGroupID", orderKey);
        headers.put("orderflowDeliveryId", deliveryId(platform.name(), channelId, order.id(), order.modifiedAt()));
        return new FoundOrder(headers, order.order().toString());
    }

    /** The identity of one version of an order found by the poll: the same order unchanged gives the same id. */
    static String deliveryId(String platform, String channelId, String orderId, Instant modifiedAt) {
        return platform + ":" + channelId + ":reconcile:" + orderId + ":" + modifiedAt;
    }

    /** Split step: one found order becomes the message (its headers and the shop's order JSON). */
    public void toIntakeEvent(Exchange exchange) {
        FoundOrder order = exchange.getMessage().getBody(FoundOrder.class);
        Message message = exchange.getMessage();
        message.getHeaders().clear();
        message.getHeaders().putAll(order.headers());
        message.setBody(order.body());
    }

    /** After every order of the run is on the broker: the new watermark of each channel that found something. */
    @SuppressWarnings("unchecked")
    public String saveWatermarks(Exchange exchange) {
        Map<String, Instant> watermarks = exchange.getVariable(WATERMARKS, Map.class);
        Instant readAt = Instant.now();
        if (watermarks != null) {
            watermarks.forEach((channel, watermark) -> store.save(channel, watermark, readAt));
        }
        return watermarks == null ? "{}" : watermarks.toString();
    }
}

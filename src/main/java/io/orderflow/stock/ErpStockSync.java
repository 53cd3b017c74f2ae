package io.orderflow.stock;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderflow.broker.BrokerAddresses;
import io.orderflow.config.OrderflowProperties;
import io.orderflow.erp.ErpClient;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Route {@code stock-sync-poll}, every orderflow.stock.sync-interval: asks the ERP for the free quantities of the
 * SKUs whose stock changed since the last run (goods received, corrections, returns, orders entered in the ERP:
 * {@link ErpClient#stockChangedSince}) and puts them on orderflow.stock.levels, where route stock-sync sets them in
 * every shop. The watermark (the ERP's own change time, in its format) is kept on the broker (orderflow.stock.state,
 * stockKey {@code watermark:erp}) and written in the same broker transaction as the levels: a crash or an ERP failure
 * leaves it where it was, and the next run asks again. Each run asks from orderflow.stock.sync-overlap before it.
 * With no watermark yet (the first run) every product with a SKU is read (a full pass).
 */
@Component("erpStockSync")
public class ErpStockSync {

    private static final Logger LOG = LoggerFactory.getLogger(ErpStockSync.class);

    private final ErpClient erp;
    private final StockStateStore store;
    private final ConnectionFactory connectionFactory;
    private final ObjectMapper mapper;
    private final Duration overlap;

    public ErpStockSync(ErpClient erp, StockStateStore store, ConnectionFactory connectionFactory, ObjectMapper mapper,
            OrderflowProperties properties) {
        this.erp = erp;
        this.store = store;
        this.connectionFactory = connectionFactory;
        this.mapper = mapper;
        this.overlap = properties.getStock().getSyncOverlap();
    }

    /** One run; returns what it did (for the route's log). */
    public String run() throws Exception {
        String source = OrderflowProperties.ERP_STOCK;
        String watermark = store.watermark(source);
        Instant readAt = Instant.now();   // before the ERP is asked: a reading is never dated later than it is
        ErpClient.StockChanges changes = erp.stockChangedSince(watermark, overlap);
        boolean newWatermark = changes.watermark() != null && !changes.watermark().equals(watermark);
        if (changes.free().isEmpty() && !newWatermark) {
            return "no stock change in the ERP since " + watermark;
        }
        ObjectNode levels = mapper.createObjectNode().put("source", source).put("readAt", readAt.toString())
                .put("origin", "stock sync since " + (watermark == null ? "the beginning (full pass)" : watermark));
        ObjectNode available = levels.putObject("available");
        for (Map.Entry<String, java.math.BigDecimal> e : changes.free().entrySet()) {
            available.put(e.getKey(), e.getValue().stripTrailingZeros().toPlainString());
        }
        ObjectNode mark = mapper.createObjectNode().put("source", source).put("watermark", changes.watermark())
                .put("readAt", readAt.toString());
        try (Connection connection = connectionFactory.createConnection();
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED)) {
            try {
                if (!changes.free().isEmpty()) {
                    TextMessage message = session.createTextMessage(levels.toString());
                    message.setStringProperty("_AMQ_DUPL_ID", "stock-sync:" + source + ":" + readAt);
                    // One group for every stock reading: one at a time, in order, however many instances consume.
                    message.setStringProperty("JMSXGroupID", BrokerAddresses.STOCK_LEVELS);
                    send(session, BrokerAddresses.STOCK_LEVELS, message);
                }
                if (changes.watermark() != null) {
                    store.send(session, StockStateStore.watermarkKey(source), mark.toString());
                }
                session.commit();
            } catch (Exception e) {
                session.rollback();
                throw e;
            }
        }
        String done = changes.free().size() + " SKU(s) with stock changed in the ERP since "
                + (watermark == null ? "the beginning (full pass)" : watermark) + "; next run from " + changes.watermark();
        if (newWatermark || watermark == null) {
            LOG.info("Stock sync: {}", done);
        } else {
            LOG.debug("Stock sync: {} (re-read within the overlap)", done);
        }
        return done;
    }

    private static void send(Session session, String queue, TextMessage message) throws Exception {
        try (MessageProducer producer = session.createProducer(session.createQueue(queue))) {
            producer.send(message);
        }
    }
}

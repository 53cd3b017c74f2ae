package io.orderflow.broker;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggerContextListener;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.spi.FilterReply;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.postoffice.RoutingStatus;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * What the embedded broker does with a repeated delivery, told the way an operator wants it: a webhook delivered twice
 * (or any send with a duplicate id already seen, Artemis's {@code _AMQ_DUPL_ID}) is not stored again, and instead of
 * Artemis's own WARN AMQ222059 with a dump of the whole message (customer data included) orderflow logs one INFO line
 * with the address and the duplicate id (the delivery id at intake) and counts it:
 * {@code orderflow.duplicates.suppressed{address, channel}}. A broker plugin (afterSend sees the routing result
 * DUPLICATED_ID), registered by {@link EmbeddedBrokerCustomizer}; an external broker logs duplicates itself.
 */
public class DuplicateDeliveries implements ActiveMQServerMessagePlugin {

    private static final Logger LOG = LoggerFactory.getLogger(DuplicateDeliveries.class);
    /** Artemis's logger and message code for "Duplicate message detected - message will not be routed". */
    static final String ARTEMIS_SERVER_LOGGER = "org.apache.activemq.artemis.core.server";
    static final String ARTEMIS_DUPLICATE_CODE = "AMQ222059";

    private final MeterRegistry meters;

    public DuplicateDeliveries(MeterRegistry meters) {
        this.meters = meters;
        silenceArtemisDuplicateWarning();
    }

    @Override
    public void afterSend(ServerSession session, Transaction tx, Message message, boolean direct,
            boolean noAutoCreateQueue, RoutingStatus result) {
        if (result != RoutingStatus.DUPLICATED_ID) {
            return;
        }
        String address = message.getAddress();
        Object duplicateId = message.getDuplicateProperty();
        String id = duplicateId instanceof byte[] bytes ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
                : String.valueOf(duplicateId);
        String channel = message.getStringProperty("orderflowChannel");
        LOG.info("Duplicate delivery ignored on {}: {} was accepted before", address, id);
        if (meters != null) {
            Counter.builder("orderflow.duplicates.suppressed")
                    .description("Deliveries not stored again because their duplicate id was seen (repeated webhooks)")
                    .tag("address", address == null ? "unknown" : address)
                    .tag("channel", channel == null ? "none" : channel)
                    .register(meters).increment();
        }
    }

    /**
     * Drops Artemis's AMQ222059 WARN (it dumps the message); the INFO line above replaces it. A logback reset (a
     * configuration reload) clears the turbo filters, so a reset-resistant listener puts the filter back at once. A
     * logback stop (Spring Boot stops and resets logback when it initialises logging for an application context)
     * removes that listener too; the filter is added again when the context's broker builds this plugin, so with
     * several contexts in one JVM (tests) another context's broker can log AMQ222059 in that moment.
     */
    private static void silenceArtemisDuplicateWarning() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            silenceArtemisDuplicateWarning(context);
        }
    }

    static void silenceArtemisDuplicateWarning(LoggerContext context) {
        synchronized (context) {
            addFilterIfAbsent(context);
            if (context.getCopyOfListenerList().stream().noneMatch(l -> l instanceof KeepFilterOnReset)) {
                context.addListener(new KeepFilterOnReset());
            }
        }
    }

    private static void addFilterIfAbsent(LoggerContext context) {
        if (context.getTurboFilterList().stream().noneMatch(f -> f instanceof ArtemisDuplicateFilter)) {
            ArtemisDuplicateFilter filter = new ArtemisDuplicateFilter();
            filter.start();
            context.addTurboFilter(filter);
        }
    }

    /** Re-adds the filter after logback's reset cleared the turbo filters (logback calls onReset after that). */
    static final class KeepFilterOnReset extends ContextAwareBase implements LoggerContextListener {
        @Override
        public boolean isResetResistant() {
            return true;
        }

        @Override
        public void onReset(LoggerContext context) {
            addFilterIfAbsent(context);
        }

        @Override
        public void onStart(LoggerContext context) {
        }

        @Override
        public void onStop(LoggerContext context) {
        }

        @Override
        public void onLevelChange(ch.qos.logback.classic.Logger logger, ch.qos.logback.classic.Level level) {
        }
    }

    static final class ArtemisDuplicateFilter extends TurboFilter {
        @Override
        public FilterReply decide(Marker marker, ch.qos.logback.classic.Logger logger, ch.qos.logback.classic.Level level,
                String format, Object[] params, Throwable t) {
            if (format != null && format.startsWith(ARTEMIS_DUPLICATE_CODE) && logger.getName().startsWith(ARTEMIS_SERVER_LOGGER)) {
                return FilterReply.DENY;
            }
            return FilterReply.NEUTRAL;
        }
    }
}

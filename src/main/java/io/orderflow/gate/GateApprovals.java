package io.orderflow.gate;

import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderflow.broker.BrokerAddresses;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Component;

/**
 * POST /admin/orders/{orderKey}/approve (route admin-order-approve): an operator releases an order the gate holds
 * (a review rule, the unpaid deadline, a payment mismatch the operator accepts). The approval is an event of the
 * order on orderflow.order.events, decided by the payment gate in turn with the order's other events: it records the
 * approval on the order's state and releases the order once ({@link GateDecider}, rows P1-P4). Approving again, or
 * replaying the parked event afterwards, finds the order released and sends nothing.
 */
@Component("gateApprovals")
public class GateApprovals {

    private final JmsTemplate jms;
    private final GateStateStore store;
    private final ObjectMapper mapper;

    public GateApprovals(JmsTemplate jms, GateStateStore store, ObjectMapper mapper) {
        this.jms = jms;
        this.store = store;
        this.mapper = mapper;
    }

    /**
     * Reads variable orderKey; answers 202 (approval queued, durably on the broker), 404 (the gate has not seen the
     * order) or 409 (already released, or cancelled). The answer carries no request header.
     */
    public void approve(Exchange exchange) {
        String orderKey = exchange.getVariable("orderKey", String.class);
        Message out = exchange.getMessage();
        out.getHeaders().clear();
        out.setHeader("Content-Type", "application/json");
        GateState state = orderKey == null || orderKey.indexOf(':') < 1 ? null : store.load(orderKey);
        ObjectNode answer = mapper.createObjectNode().put("orderKey", orderKey);
        int status;
        if (state == null) {
            status = 404;
            answer.put("error", "the payment gate has not seen this order");
        } else if (state.released) {
            status = 409;
            answer.put("error", "already released").put("releaseReason", state.releaseReason);
        } else if (state.closed != null) {
            status = 409;
            answer.put("error", "the order is " + state.closed + "; refund or reinstate it in the shop");
        } else {
            String deliveryId = "approval:" + orderKey + ":" + UUID.randomUUID();
            String body = mapper.createObjectNode().put("kind", "approval").put("orderKey", orderKey)
                    .put("requestedAt", java.time.Instant.now().toString()).toString();
            jms.send(BrokerAddresses.ORDER_EVENTS, session -> {
                var message = session.createTextMessage(body);
                message.setStringProperty("orderKey", orderKey);
                message.setStringProperty("JMSXGroupID", orderKey);
                message.setStringProperty("orderflowEventKind", GateEvent.Kind.APPROVAL.header);
                message.setStringProperty("orderflowDeliveryId", deliveryId);
                message.setStringProperty("_AMQ_DUPL_ID", deliveryId);
                return message;
            });
            status = 202;
            answer.put("status", "approval queued: the payment gate releases the order once");
            if (state.reviewReason != null) {
                answer.put("parkedFor", state.reviewReason);
            }
        }
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        out.setBody(answer.toString());
    }
}

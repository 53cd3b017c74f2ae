package io.orderflow.intake;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * Sets {@code orderKey} and {@code JMSXGroupID} from a canonical event's own orderKey, for events (payments) whose
 * order is only known once mapped. Grouping by orderKey keeps one order's events in sequence for the gate.
 */
@Component("canonicalEventHeaders")
public class CanonicalEventHeaders {

    private final ObjectMapper mapper;

    public CanonicalEventHeaders(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public void apply(Message message) throws IOException {
        JsonNode event = mapper.readTree(message.getBody(String.class));
        String orderKey = event.path("orderKey").asText();
        message.setHeader("orderKey", orderKey);
        message.setHeader("JMSXGroupID", orderKey);
        message.setHeader("orderflowChannel", event.path("channel").asText());
    }
}

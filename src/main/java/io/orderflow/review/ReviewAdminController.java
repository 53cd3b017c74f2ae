package io.orderflow.review;

import java.io.IOException;
import java.security.Principal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.JMSException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The review API (docs/operations.md, "Review and replay"): list what is parked on orderflow.review and
 * orderflow.dead-letter, replay one, a selection or every message of one reason (through {@link ReviewReplayer}:
 * fresh duplicate id, the far side's natural keys keep effects single), discard one with a recorded reason.
 *
 * <p>Reading needs the viewer or operator role, acting the operator role (WebSecurityConfiguration). Answers are
 * JSON; errors are {@code {"error":"..."}}. Nothing of the request's headers is answered. Request bodies arrive as raw
 * bytes (the body filter), so they are parsed here, whatever the declared content type.
 */
@RestController
@RequestMapping(path = "/api/admin/review", produces = MediaType.APPLICATION_JSON_VALUE)
public class ReviewAdminController {

    private final ParkedMessages parked;
    private final ReviewProperties properties;
    private final ObjectMapper mapper;

    public ReviewAdminController(ParkedMessages parked, ReviewProperties properties, ObjectMapper mapper) {
        this.parked = parked;
        this.properties = properties;
        this.mapper = mapper;
    }

    /** {@code GET /api/admin/review/messages[?queue=review|dead-letter|discarded][&reason=][&orderKey=][&limit=]}. */
    @GetMapping("/messages")
    public ResponseEntity<?> list(@RequestParam(required = false) String queue,
            @RequestParam(required = false) String reason, @RequestParam(required = false) String orderKey,
            @RequestParam(required = false) Integer limit) throws JMSException {
        List<String> queues;
        if (queue == null || queue.isBlank()) {
            queues = List.of("review", "dead-letter");
        } else if (ParkedMessages.QUEUES.containsKey(queue)) {
            queues = List.of(queue);
        } else {
            return error(HttpStatus.BAD_REQUEST, "queue is review, dead-letter or discarded");
        }
        int max = properties.getMaxListSize();
        if (limit != null && limit < 1) {
            return error(HttpStatus.BAD_REQUEST, "limit is at least 1");
        }
        int size = limit == null ? max : Math.min(limit, max);
        List<ParkedMessages.Parked> found = parked.list(queues, new ParkedMessages.Filter(reason, orderKey), size + 1);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("count", Math.min(found.size(), size));
        body.put("more", found.size() > size);
        body.put("messages", found.stream().limit(size).map(ParkedMessages::json).toList());
        return ResponseEntity.ok(body);
    }

    /** {@code GET /api/admin/review/messages/{messageId}}: one parked (or discarded) message, or 404. */
    @GetMapping("/messages/{messageId}")
    public ResponseEntity<?> one(@PathVariable String messageId) throws JMSException {
        Optional<ParkedMessages.Parked> found = parked.find(messageId);
        return found.<ResponseEntity<?>>map(p -> ResponseEntity.ok(ParkedMessages.json(p)))
                .orElseGet(() -> error(HttpStatus.NOT_FOUND, "no parked message with this id"));
    }

    /** {@code POST /api/admin/review/messages/{messageId}/replay}: 200 replayed, 404 gone, 409 not replayable. */
    @PostMapping("/messages/{messageId}/replay")
    public ResponseEntity<?> replayOne(@PathVariable String messageId) throws JMSException {
        Optional<ParkedMessages.Parked> found = parked.find(messageId);
        if (found.isPresent() && found.get().queue().equals("discarded")) {
            return error(HttpStatus.CONFLICT, "this message was discarded; it is kept on orderflow.review.discarded");
        }
        return switch (parked.replay(messageId)) {
            case REPLAYED -> ResponseEntity.ok(Map.of("replayed", List.of(messageId)));
            case NOT_FOUND -> error(HttpStatus.NOT_FOUND, "no parked message with this id (already replayed?)");
            case NOT_REPLAYABLE -> error(HttpStatus.CONFLICT, "this message names no origin queue: move it by hand");
        };
    }

    /**
     * {@code POST /api/admin/review/replay} with {@code {"messageIds":[...]}} or {@code {"reason":"..."}} (every
     * message on review and dead-letter whose reason contains it): 200 with what was replayed, not found, not
     * replayable.
     */
    @PostMapping("/replay")
    public ResponseEntity<?> replayMany(@RequestBody(required = false) byte[] body) throws JMSException {
        JsonNode request = parse(body);
        if (request == null) {
            return error(HttpStatus.BAD_REQUEST, "body: {\"messageIds\":[...]} or {\"reason\":\"...\"}");
        }
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        JsonNode list = request.get("messageIds");
        JsonNode reason = request.get("reason");
        if (list != null && list.isArray() && !list.isEmpty() && (reason == null || reason.isNull())) {
            for (JsonNode id : list) {
                if (!id.isTextual() || id.asText().isBlank()) {
                    return error(HttpStatus.BAD_REQUEST, "messageIds: a list of JMS message ids");
                }
                ids.add(id.asText());
            }
            if (ids.size() > properties.getMaxListSize()) {
                return error(HttpStatus.BAD_REQUEST, "too many messageIds at once");
            }
        } else if (reason != null && reason.isTextual() && !reason.asText().isBlank() && list == null) {
            for (ParkedMessages.Parked p : parked.withReason(reason.asText())) {
                ids.add(p.messageId());
            }
        } else {
            return error(HttpStatus.BAD_REQUEST, "body: {\"messageIds\":[...]} or {\"reason\":\"...\"}");
        }
        List<String> replayed = new ArrayList<>();
        List<String> notFound = new ArrayList<>();
        List<String> notReplayable = new ArrayList<>();
        for (String id : ids) {
            switch (parked.replay(id)) {
                case REPLAYED -> replayed.add(id);
                case NOT_FOUND -> notFound.add(id);
                case NOT_REPLAYABLE -> notReplayable.add(id);
            }
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("replayed", replayed);
        answer.put("notFound", notFound);
        answer.put("notReplayable", notReplayable);
        return ResponseEntity.ok(answer);
    }

    /**
     * {@code POST /api/admin/review/messages/{messageId}/discard} with {@code {"reason":"..."}}: 200 discarded (kept on
     * orderflow.review.discarded), 400 no reason, 404 no such message, 409 already discarded.
     */
    @PostMapping("/messages/{messageId}/discard")
    public ResponseEntity<?> discard(@PathVariable String messageId, @RequestBody(required = false) byte[] body,
            Principal principal) throws JMSException {
        JsonNode request = parse(body);
        JsonNode reason = request == null ? null : request.get("reason");
        if (reason == null || !reason.isTextual() || reason.asText().isBlank()) {
            return error(HttpStatus.BAD_REQUEST, "body: {\"reason\":\"why this message is discarded\"}");
        }
        if (reason.asText().length() > 1000) {
            return error(HttpStatus.BAD_REQUEST, "reason: at most 1000 characters");
        }
        String by = principal == null ? "unknown" : principal.getName();
        return switch (parked.discard(messageId, reason.asText(), by)) {
            case DISCARDED -> ResponseEntity.ok(Map.of("discarded", messageId,
                    "keptOn", io.orderflow.broker.BrokerAddresses.REVIEW_DISCARDED));
            case NOT_FOUND -> error(HttpStatus.NOT_FOUND, "no parked message with this id (already replayed?)");
            case ALREADY_DISCARDED -> error(HttpStatus.CONFLICT, "already discarded");
        };
    }

    private JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            JsonNode node = mapper.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static ResponseEntity<Map<String, String>> error(HttpStatus status, String reason) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(Map.of("error", reason));
    }
}

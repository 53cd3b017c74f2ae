package io.orderflow.status;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;

import jakarta.validation.constraints.Min;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.stereotype.Component;
import org.springframework.validation.annotation.Validated;

/**
 * {@code orderflow.status.*}: the order status stage (docs/operations.md, "Order status and timeline").
 *
 * <p>{@link #getStages()} is the one table that turns a stage's output into an order's status event: a row names the
 * queue an output goes to (as the route's {@code sendTo}), optionally the event kind (header orderflowEventKind),
 * the stage name the timeline shows, its type (progress: the order moved on; exception: it waits for a person;
 * info: a timeline entry that does not move the order) and what to copy into the entry (fields of the JSON body by
 * JSON pointer, message headers). A new stage adds a row.
 */
@Component
@Validated
@ConfigurationProperties(prefix = "orderflow.status")
public class StatusProperties {

    /** How long a finished order's status is kept after its last change (message expiry on orderflow.order.status.NN). */
    @NotNull
    private Duration retention = Duration.ofDays(30);
    /** How long an unfinished order's status is kept after its last change (nothing is kept for ever). */
    @NotNull
    private Duration activeRetention = Duration.ofDays(90);
    /** An order whose current stage is older than this raises an ops alert (once per order and stage). */
    @NotNull
    private Duration stuckAfter = Duration.ofHours(24);
    /** Per stage: stuck after this long instead (e.g. review: 4h, released: 1h). */
    private Map<String, Duration> stuckAfterStage = new LinkedHashMap<>();
    /** How often the stuck-order check runs; 0 turns it off. */
    @NotNull
    private Duration stuckCheckInterval = Duration.ofMinutes(5);
    /** Stages never reported as stuck (finished orders). */
    private List<String> finishedStages = new ArrayList<>(List.of("delivered", "cancelled"));
    /** Most orders one listing answers. */
    private int maxListSize = 500;
    /**
     * Order-status consumers: different orders' status events are folded in parallel; one order's events one at a
     * time, in order (message group = order key), so each fold reads the status the previous one wrote.
     */
    @Min(1)
    private int concurrentConsumers = 2;
    /**
     * Which output of which stage is a status event, one row each (queue, kind, stage, type, fields, headers,
     * variables); progress rows rank in table order. The rows ship in application.yml; a list is replaced as a whole.
     */
    @Valid
    private List<StageRow> stages = new ArrayList<>();

    public Duration getRetention() { return retention; }
    public void setRetention(Duration retention) { this.retention = retention; }
    public Duration getActiveRetention() { return activeRetention; }
    public void setActiveRetention(Duration activeRetention) { this.activeRetention = activeRetention; }
    public Duration getStuckAfter() { return stuckAfter; }
    public void setStuckAfter(Duration stuckAfter) { this.stuckAfter = stuckAfter; }
    public Map<String, Duration> getStuckAfterStage() { return stuckAfterStage; }
    public void setStuckAfterStage(Map<String, Duration> stuckAfterStage) { this.stuckAfterStage = stuckAfterStage; }
    public Duration getStuckCheckInterval() { return stuckCheckInterval; }
    public void setStuckCheckInterval(Duration stuckCheckInterval) { this.stuckCheckInterval = stuckCheckInterval; }
    public List<String> getFinishedStages() { return finishedStages; }
    public void setFinishedStages(List<String> finishedStages) { this.finishedStages = finishedStages; }
    public int getConcurrentConsumers() { return concurrentConsumers; }
    public void setConcurrentConsumers(int v) { this.concurrentConsumers = v; }
    public int getMaxListSize() { return maxListSize; }
    public void setMaxListSize(int maxListSize) { this.maxListSize = maxListSize; }
    public List<StageRow> getStages() { return stages; }
    public void setStages(List<StageRow> stages) { this.stages = stages; }

    /** When an order counts as stuck at this stage. */
    public Duration stuckAfter(String stage) {
        return stuckAfterStage.getOrDefault(stage, stuckAfter);
    }

    public enum Type { progress, exception, info }

    /** One row of the queue -> status table. */
    public static class StageRow {
        @NotBlank
        private String queue;
        /** Only outputs whose header orderflowEventKind has this value (empty: any). */
        private String kind;
        @NotBlank
        private String stage;
        @NotNull
        private Type type = Type.progress;
        /** Entry field -> JSON pointer into the body sent (e.g. erpOrderId: /erpOrderId). */
        private Map<String, String> fields = new LinkedHashMap<>();
        /** Entry field -> message header (e.g. reason: orderflowReason). */
        private Map<String, String> headers = new LinkedHashMap<>();

        public String getQueue() { return queue; }
        public void setQueue(String queue) { this.queue = queue; }
        public String getKind() { return kind; }
        public void setKind(String kind) { this.kind = kind; }
        public String getStage() { return stage; }
        public void setStage(String stage) { this.stage = stage; }
        public Type getType() { return type; }
        public void setType(Type type) { this.type = type; }
        /** Entry field -> exchange variable (e.g. notification: notificationKey). */
        private Map<String, String> variables = new LinkedHashMap<>();
        /** Only outputs whose JSON body has these top-level fields with these values (e.g. template: delivered). */
        private Map<String, String> bodyEquals = new LinkedHashMap<>();

        public Map<String, String> getBodyEquals() { return bodyEquals; }
        public void setBodyEquals(Map<String, String> bodyEquals) { this.bodyEquals = bodyEquals; }

        public Map<String, String> getVariables() { return variables; }
        public void setVariables(Map<String, String> variables) { this.variables = variables; }
        public Map<String, String> getFields() { return fields; }
        public void setFields(Map<String, String> fields) { this.fields = fields; }
        public Map<String, String> getHeaders() { return headers; }
        public void setHeaders(Map<String, String> headers) { this.headers = headers; }
    }
}

package io.orderflow.review;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** The review API (orderflow.review.*): how much of each parked message it shows. */
@ConfigurationProperties(prefix = "orderflow.review")
@Validated
public class ReviewProperties {

    /** Longest payload shown per parked message, in characters; a longer one is cut and flagged payloadTruncated. */
    @Min(0)
    private int maxPayloadChars = 65_536;
    /** Most messages one listing returns (a request may ask for fewer with ?limit=). */
    @Min(1)
    @Max(10_000)
    private int maxListSize = 500;

    public int getMaxPayloadChars() { return maxPayloadChars; }
    public void setMaxPayloadChars(int v) { this.maxPayloadChars = v; }
    public int getMaxListSize() { return maxListSize; }
    public void setMaxListSize(int v) { this.maxListSize = v; }
}

package io.orderflow.alerts;

import java.time.Duration;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** Ops alerts by e-mail (docs/operations.md, "Ops alerts"): arrivals on review, shortages, accuracy mismatches, stuck orders. */
@Validated
@ConfigurationProperties(prefix = "orderflow.alerts")
public class AlertProperties {

    /**
     * Where the batched ops alert mail goes, through the orderflow.notifications.email.* SMTP server; empty: no alert
     * mail, and no alert is queued (the OPS ALERT log lines and the metrics remain).
     */
    @Email
    private String email;
    /** How often the waiting alerts are mailed, all of them in one mail; nothing waiting: no mail. */
    @NotNull
    private Duration batchInterval = Duration.ofMinutes(5);
    /** Most alerts listed in one mail; more wait for the next run. */
    @Min(1)
    @Max(10_000)
    private int maxPerMail = 500;

    public boolean isEnabled() { return email != null && !email.isBlank(); }
    public String getEmail() { return email; }
    public void setEmail(String email) { this.email = email == null || email.isBlank() ? null : email.strip(); }
    public Duration getBatchInterval() { return batchInterval; }
    public void setBatchInterval(Duration batchInterval) { this.batchInterval = batchInterval; }
    public int getMaxPerMail() { return maxPerMail; }
    public void setMaxPerMail(int maxPerMail) { this.maxPerMail = maxPerMail; }
}

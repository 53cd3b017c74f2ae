package io.orderflow.notify;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The notify stage's settings, {@code orderflow.notifications.*} (docs/notifications.md, "Configuration"). Checked at
 * start-up by bean validation and by {@link NotificationConfiguration} (a medium that is switched on needs its
 * provider's settings). Secrets (SMTP password, Twilio auth token) come from the environment, never from a file
 * in the repository, and are never logged.
 */
@ConfigurationProperties(prefix = "orderflow.notifications")
@Validated
public class NotificationProperties {

    public enum Medium { email, sms }

    /** Off: route notify does not start and requests wait on orderflow.notify.requests. */
    private boolean enabled = true;
    /**
     * Notify stage consumers: different orders' notifications go out in parallel (SMTP and Twilio answer in tens to
     * hundreds of milliseconds); one order's requests stay one at a time, in order (message group = order key), so two
     * copies of one request are never sent at the same time.
     */
    @jakarta.validation.constraints.Min(1)
    private int concurrentConsumers = 4;
    /** Template language when the channel names none: the folder mappings/notifications/&lt;language&gt;/. */
    @NotBlank
    @Pattern(regexp = "[a-z]{2}(-[A-Z]{2})?", message = "a language tag such as en or de-AT")
    private String language = "en";
    /** The shop's name in every message, unless the channel names its own. */
    @NotBlank
    private String shopName = "Our shop";
    /**
     * Which media each event goes by (event = template name). An event not listed here is not sent at all and the
     * request is acknowledged (logged): listing it is how an event is switched on.
     */
    @NotNull
    private Map<String, List<Medium>> events = new LinkedHashMap<>(Map.of(
            "order-confirmed", List.of(Medium.email),
            "payment-failed", List.of(Medium.email, Medium.sms),
            "unpaid-reminder", List.of(Medium.email),
            "order-cancelled-unpaid", List.of(Medium.email, Medium.sms),
            "backorder", List.of(Medium.email),
            "shipped", List.of(Medium.email, Medium.sms),
            "out-for-delivery", List.of(Medium.sms),
            "delivered", List.of(Medium.email),
            "cancelled", List.of(Medium.email, Medium.sms),
            "refunded", List.of(Medium.email, Medium.sms)));
    @Valid
    private final Email email = new Email();
    @Valid
    private final Sms sms = new Sms();
    /** Per shop channel (by channel id): sender, shop name, language. Anything not set falls back to the above. */
    @Valid
    private Map<String, ChannelNotifications> channels = new LinkedHashMap<>();

    public boolean isEnabled() { return enabled; }
    public int getConcurrentConsumers() { return concurrentConsumers; }
    public void setConcurrentConsumers(int v) { this.concurrentConsumers = v; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public String getLanguage() { return language; }
    public void setLanguage(String language) { this.language = language; }
    public String getShopName() { return shopName; }
    public void setShopName(String shopName) { this.shopName = shopName; }
    public Map<String, List<Medium>> getEvents() { return events; }
    public void setEvents(Map<String, List<Medium>> events) { this.events = events; }
    public Email getEmail() { return email; }
    public Sms getSms() { return sms; }
    public Map<String, ChannelNotifications> getChannels() { return channels; }
    public void setChannels(Map<String, ChannelNotifications> channels) { this.channels = channels; }

    /** E-mail over SMTP (Camel Mail). Off while host is not set. */
    public static class Email {
        /** The SMTP server (submission). Not set: no e-mail is sent. */
        private String host;
        @Min(1)
        @Max(65535)
        private int port = 587;
        /** smtp (with STARTTLS when start-tls is on) or smtps (implicit TLS, usually port 465). */
        @NotBlank
        @Pattern(regexp = "smtps?", message = "smtp or smtps")
        private String protocol = "smtp";
        private boolean startTls = true;
        /** SMTP login (optional; set with password, from the environment). */
        private String username;
        private String password;
        /** The sender address, unless the channel names its own. Required when host is set. */
        private String from;
        /** Optional Reply-To. */
        private String replyTo;
        /**
         * Longest wait for the SMTP server to accept a connection and for each of its answers (a server that accepts
         * and then says nothing fails the attempt after this long; the broker redelivers).
         */
        @NotNull
        @org.hibernate.validator.constraints.time.DurationMin(millis = 1)
        private java.time.Duration timeout = java.time.Duration.ofSeconds(10);

        public boolean isEnabled() { return host != null && !host.isBlank(); }
        public String getHost() { return host; }
        public void setHost(String host) { this.host = host; }
        public int getPort() { return port; }
        public void setPort(int port) { this.port = port; }
        public String getProtocol() { return protocol; }
        public void setProtocol(String protocol) { this.protocol = protocol; }
        public boolean isStartTls() { return startTls; }
        public void setStartTls(boolean startTls) { this.startTls = startTls; }
        public String getUsername() { return username; }
        public void setUsername(String username) { this.username = username; }
        public String getPassword() { return password; }
        public void setPassword(String password) { this.password = password; }
        public String getFrom() { return from; }
        public void setFrom(String from) { this.from = from; }
        public String getReplyTo() { return replyTo; }
        public void setReplyTo(String replyTo) { this.replyTo = replyTo; }
        public java.time.Duration getTimeout() { return timeout; }
        public void setTimeout(java.time.Duration timeout) { this.timeout = timeout; }
        int getTimeoutMillis() { return (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())); }
    }

    /** SMS through the Twilio Messages API. Off while twilio.account-sid is not set. */
    public static class Sms {
        @Valid
        private final Twilio twilio = new Twilio();
        /**
         * Country (ISO 3166-1 alpha-2, e.g. US, DE) in which a national phone number is read when the order names
         * none (no shipping or billing country); empty: such a number gets no SMS. Numbers go out in E.164.
         */
        @Pattern(regexp = "[A-Z]{2}", message = "an ISO 3166-1 alpha-2 country code such as US or DE")
        private String defaultRegion;

        public boolean isEnabled() { return twilio.accountSid != null && !twilio.accountSid.isBlank(); }
        public Twilio getTwilio() { return twilio; }
        public String getDefaultRegion() { return defaultRegion; }
        public void setDefaultRegion(String defaultRegion) {
            this.defaultRegion = defaultRegion == null || defaultRegion.isBlank() ? null : defaultRegion;
        }
    }

    public static class Twilio {
        /** https://api.twilio.com in production; a simulator or WireMock in tests. */
        @NotBlank
        private String baseUrl = "https://api.twilio.com";
        private String accountSid;
        /** From the environment (ORDERFLOW_NOTIFICATIONS_SMS_TWILIO_AUTHTOKEN). */
        private String authToken;
        /** The sender number (E.164) or alphanumeric sender id; or messaging-service-sid instead. */
        private String from;
        private String messagingServiceSid;
        /**
         * Requests per second to Twilio's Messages API from this instance (every SMS is one). With an SMS per order
         * (order-confirmed) this caps the notify stage at this many orders per second (docs/performance.md); Twilio
         * queues what it accepts and sends at the sender's own rate, so raise it with your account's allowance.
         */
        @Min(1)
        private int maxRequestsPerSecond = 10;
        /** Longest wait for Twilio's answer to one message (slower: the attempt fails and the broker redelivers). */
        @NotNull
        @org.hibernate.validator.constraints.time.DurationMin(millis = 1)
        private java.time.Duration timeout = java.time.Duration.ofSeconds(15);

        public String getBaseUrl() { return baseUrl; }
        public void setBaseUrl(String baseUrl) { this.baseUrl = baseUrl; }
        public String getAccountSid() { return accountSid; }
        public void setAccountSid(String accountSid) { this.accountSid = accountSid; }
        public String getAuthToken() { return authToken; }
        public void setAuthToken(String authToken) { this.authToken = authToken; }
        public String getFrom() { return from; }
        public void setFrom(String from) { this.from = from; }
        public String getMessagingServiceSid() { return messagingServiceSid; }
        public void setMessagingServiceSid(String messagingServiceSid) { this.messagingServiceSid = messagingServiceSid; }
        public int getMaxRequestsPerSecond() { return maxRequestsPerSecond; }
        public void setMaxRequestsPerSecond(int maxRequestsPerSecond) { this.maxRequestsPerSecond = maxRequestsPerSecond; }
        public java.time.Duration getTimeout() { return timeout; }
        public void setTimeout(java.time.Duration timeout) { this.timeout = timeout; }
    }

    /** One shop channel's own sender, name and language. */
    public static class ChannelNotifications {
        private String shopName;
        private String emailFrom;
        private String smsFrom;
        @Pattern(regexp = "[a-z]{2}(-[A-Z]{2})?", message = "a language tag such as en or de-AT")
        private String language;

        public String getShopName() { return shopName; }
        public void setShopName(String shopName) { this.shopName = shopName; }
        public String getEmailFrom() { return emailFrom; }
        public void setEmailFrom(String emailFrom) { this.emailFrom = emailFrom; }
        public String getSmsFrom() { return smsFrom; }
        public void setSmsFrom(String smsFrom) { this.smsFrom = smsFrom; }
        public String getLanguage() { return language; }
        public void setLanguage(String language) { this.language = language; }
    }

    static List<Medium> none() {
        return new ArrayList<>();
    }
}

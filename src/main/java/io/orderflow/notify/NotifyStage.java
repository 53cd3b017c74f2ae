package io.orderflow.notify;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orderflow.notify.NotificationProperties.ChannelNotifications;
import io.orderflow.notify.NotificationProperties.Medium;
import io.orderflow.review.UnprocessableEventException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notify stage's steps (route {@code notify}, routes/notify.camel.yaml) for one notification request:
 * {@link #prepare} decides who gets what by which medium and renders the templates into variables; {@link #mail}
 * turns them into the e-mail Camel Mail sends. The "sent" markers (one per notification and medium) are kept by
 * {@link SentMarkers}; the SMS goes out through {@link TwilioSms}.
 *
 * <p>Variables set by {@link #prepare}: {@code notificationKey} ({@code <template>:<orderKey>[:<package>]}),
 * {@code emailKey}/{@code smsKey} (the key plus {@code :email}/{@code :sms}), {@code sendEmail}/{@code sendSms},
 * the rendered parts ({@code mailSubject}, {@code mailHtml}, {@code mailText}, {@code smsBody}), the addresses
 * ({@code mailTo}, {@code mailFrom}, {@code smsTo}, {@code smsFrom}) and their masked forms for logs
 * ({@code maskedEmail}, {@code maskedPhone}). Addresses are never logged unmasked.
 */
public class NotifyStage {

    private static final Logger LOG = LoggerFactory.getLogger(NotifyStage.class);

    private final NotificationProperties settings;
    private final NotificationTemplates templates;
    private final ObjectMapper mapper;

    public NotifyStage(NotificationProperties settings, NotificationTemplates templates, ObjectMapper mapper) {
        this.settings = settings;
        this.templates = templates;
        this.mapper = mapper;
    }

    /** orderflow.notifications.email.timeout in milliseconds, for Camel Mail's connectionTimeout (route notify). */
    public int smtpTimeoutMillis() {
        return settings.getEmail().getTimeoutMillis();
    }

    public void prepare(Exchange exchange) throws IOException {
        JsonNode request = mapper.readTree(exchange.getMessage().getBody(String.class));
        String template = request.path("template").asText("");
        String orderKey = request.path("orderKey").asText("");
        if (template.isBlank() || orderKey.isBlank()) {
            throw new UnprocessableEventException("notification request without template or orderKey");
        }
        String channel = request.path("channel").asText("");
        ChannelNotifications own = settings.getChannels().getOrDefault(channel, new ChannelNotifications());
        String language = own.getLanguage() != null ? own.getLanguage() : settings.getLanguage();
        if (!templates.exists(language, template)) {
            throw new UnprocessableEventException("no notification template " + language + "/" + template
                    + " in mappings/notifications (add it, then replay)");
        }
        String key = template + ":" + orderKey
                + (request.hasNonNull("package") ? ":" + request.path("package").asText() : "");
        exchange.setVariable("notificationKey", key);
        exchange.setVariable("emailKey", key + ":email");
        exchange.setVariable("smsKey", key + ":sms");

        List<Medium> media = settings.getEvents().getOrDefault(template, List.of());
        JsonNode customer = request.path("customer");
        String email = text(customer, "email");
        String phone = text(customer, "phone");
        if (phone == null) {
            phone = text(request.path("shippingAddress"), "phone");
        }
        boolean consentRefused = customer.path("smsConsent").isBoolean() && !customer.path("smsConsent").asBoolean();
        // Twilio takes E.164 only: a national number is read in the order's country (PhoneNumbers).
        String region = PhoneNumbers.regionOf(request);
        if (region == null) {
            region = settings.getSms().getDefaultRegion();
        }
        String e164 = PhoneNumbers.e164(phone, region).orElse(null);
        boolean sendEmail = media.contains(Medium.email) && settings.getEmail().isEnabled() && email != null;
        boolean sendSms = media.contains(Medium.sms) && settings.getSms().isEnabled() && e164 != null && !consentRefused;
        exchange.setVariable("maskedEmail", Masking.email(email));
        exchange.setVariable("maskedPhone", Masking.phone(phone));
        if (media.isEmpty()) {
            LOG.info("Notification {}: event {} is not configured for any medium (orderflow.notifications.events): not sent",
                    key, template);
        } else {
            if (media.contains(Medium.email) && !sendEmail) {
                LOG.info("Notification {}: no e-mail ({})", key, email == null ? "no customer e-mail" : "e-mail not configured");
            }
            if (media.contains(Medium.sms) && !sendSms) {
                LOG.info("Notification {}: no SMS ({})", key, phone == null ? "no phone number"
                        : consentRefused ? "the customer did not consent"
                        : !settings.getSms().isEnabled() ? "SMS not configured"
                        : "phone number " + Masking.phone(phone) + " is not a possible number"
                                + (region == null ? " and the order names no country" : " in " + region));
            }
        }
        exchange.setVariable("sendEmail", sendEmail);
        exchange.setVariable("sendSms", sendSms);
        if (!sendEmail && !sendSms) {
            return;
        }
        String shopName = own.getShopName() != null ? own.getShopName() : settings.getShopName();
        Map<String, Object> model = NotificationTemplates.model(request, shopName);
        NotificationTemplates.Rendered rendered = templates.render(language, template, model);
        if (sendEmail) {
            exchange.setVariable("mailTo", email);
            exchange.setVariable("mailFrom", own.getEmailFrom() != null ? own.getEmailFrom() : settings.getEmail().getFrom());
            exchange.setVariable("mailSubject", rendered.subject());
            exchange.setVariable("mailHtml", rendered.html());
            exchange.setVariable("mailText", rendered.text());
        }
        if (sendSms && rendered.sms() == null) {
            LOG.info("Notification {}: no SMS template for {} in {}: no SMS", key, template, language);
            exchange.setVariable("sendSms", false);
        } else if (sendSms) {
            exchange.setVariable("smsTo", e164);
            exchange.setVariable("smsFrom", own.getSmsFrom() != null ? own.getSmsFrom() : settings.getSms().getTwilio().getFrom());
            exchange.setVariable("smsBody", rendered.sms());
        }
    }

    /** The e-mail for Camel Mail: HTML body, plain-text alternative, To/From/Subject/Reply-To/Message-ID headers. */
    public void mail(Exchange exchange) {
        Message out = exchange.getMessage();
        out.setBody(exchange.getVariable("mailHtml", String.class));
        out.setHeader("To", exchange.getVariable("mailTo", String.class));
        out.setHeader("From", exchange.getVariable("mailFrom", String.class));
        out.setHeader("Subject", exchange.getVariable("mailSubject", String.class));
        // Derived from the notification key: a mail sent again (SMTP accepted, stopped before the "sent" marker) has
        // the same Message-ID as the first, so receivers can drop the copy (NotificationMessageIds). Camel Mail keeps
        // a Message-ID it is given when JavaMail saves the message.
        out.setHeader("Message-ID", NotificationMessageIds.of(exchange.getVariable("emailKey", String.class),
                exchange.getVariable("mailFrom", String.class)));
        if (settings.getEmail().getReplyTo() != null && !settings.getEmail().getReplyTo().isBlank()) {
            out.setHeader("Reply-To", settings.getEmail().getReplyTo());
        }
        out.setHeader("CamelMailAlternativeBody", exchange.getVariable("mailText", String.class));
    }

    /** Removes the mail headers again, so nothing after the send (or a parked copy) carries the address. */
    public void afterMail(Exchange exchange) {
        Message out = exchange.getMessage();
        for (String header : List.of("To", "From", "Subject", "Reply-To", "Message-ID", "CamelMailAlternativeBody")) {
            out.removeHeader(header);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() && !value.asText().isBlank() ? value.asText().strip() : null;
    }
}

package io.orderflow.notify;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orderflow.http.OutboundHttp;
import io.orderflow.review.UnprocessableEventException;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SMS through the Twilio Messages API: {@code POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json}, form body
 * To, From (or MessagingServiceSid), Body; HTTP Basic AccountSid:AuthToken. 2xx: accepted (the SID is logged).
 * 429 (OutboundHttp), 5xx and transport failures: the transaction rolls back and the broker redelivers with back-off.
 * Any other 4xx (invalid number 21211, unverified sender, ...) will not get better by retrying: the request is
 * parked for review with Twilio's code and message. Neither the number nor the text is logged.
 */
public class TwilioSms {

    private static final Logger LOG = LoggerFactory.getLogger(TwilioSms.class);

    private final NotificationProperties.Twilio twilio;
    private final OutboundHttp http;
    private final ObjectMapper mapper;

    public TwilioSms(NotificationProperties.Twilio twilio, OutboundHttp http, ObjectMapper mapper) {
        this.twilio = twilio;
        this.http = http;
        this.mapper = mapper;
    }

    public void send(Exchange exchange) throws IOException, InterruptedException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("To", exchange.getVariable("smsTo", String.class));
        String from = exchange.getVariable("smsFrom", String.class);
        if (twilio.getMessagingServiceSid() != null && !twilio.getMessagingServiceSid().isBlank()) {
            form.put("MessagingServiceSid", twilio.getMessagingServiceSid());
        } else {
            form.put("From", from);
        }
        form.put("Body", exchange.getVariable("smsBody", String.class));
        String body = form.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
        String base = twilio.getBaseUrl().replaceAll("/+$", "");
        String auth = Base64.getEncoder().encodeToString((twilio.getAccountSid() + ":" + twilio.getAuthToken())
                .getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/2010-04-01/Accounts/"
                        + enc(twilio.getAccountSid()) + "/Messages.json"))
                .header("Authorization", "Basic " + auth)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
        int status = response.statusCode();
        if (status / 100 == 2) {
            JsonNode message = json(response.body());
            exchange.setVariable("smsSid", message.path("sid").asText(""));
            LOG.info("SMS {} accepted by Twilio: {} ({})", exchange.getVariable("smsKey"), message.path("sid").asText("?"),
                    message.path("status").asText("?"));
            return;
        }
        if (status >= 500) {
            throw new IOException("Twilio answered HTTP " + status + "; the broker redelivers later");
        }
        JsonNode error = json(response.body());
        throw new UnprocessableEventException("Twilio refused the SMS: HTTP " + status + " code "
                + error.path("code").asText("?") + ": " + error.path("message").asText("").replaceAll("\\+?\\d[\\d ()-]{4,}\\d", "***"));
    }

    private JsonNode json(String body) {
        try {
            return mapper.readTree(body == null || body.isBlank() ? "{}" : body);
        } catch (IOException e) {
            return mapper.createObjectNode();
        }
    }

    private static String enc(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8);
    }
}

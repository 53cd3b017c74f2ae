package io.orderflow.notify;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;

/**
 * The notification templates: Mustache (mustache.java, the engine of camel-mustache), one set per event and language
 * under {@code mappings/notifications/<language>/}:
 * <pre>
 *   &lt;event&gt;.subject.mustache   e-mail subject (plain text)
 *   &lt;event&gt;.html.mustache      e-mail HTML part (values HTML-escaped)
 *   &lt;event&gt;.txt.mustache       e-mail plain-text part
 *   &lt;event&gt;.sms.mustache       SMS text (optional: no file, no SMS for that event)
 * </pre>
 * Files are read on every render, so an edit takes effect with the next notification (no rebuild, no restart).
 * The model a template sees is {@link #model}: the notification request as it is on the queue, plus a few
 * conveniences. Golden examples next to the templates (NotificationTemplatesGoldenTest) pin what each renders.
 */
public final class NotificationTemplates {

    public static final List<String> PARTS = List.of("subject", "html", "txt", "sms");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;

    public NotificationTemplates(Path notificationsDir) {
        this.root = notificationsDir;
    }

    /** One rendered notification: the parts that exist for its event (sms is null without an SMS template). */
    public record Rendered(String subject, String html, String text, String sms) {
    }

    public boolean exists(String language, String event) {
        return Files.isRegularFile(file(language, event, "txt"));
    }

    public Rendered render(String language, String event, Map<String, Object> model) {
        return new Rendered(oneLine(renderPart(language, event, "subject", model)), renderPart(language, event, "html", model),
                renderPart(language, event, "txt", model), Files.isRegularFile(file(language, event, "sms"))
                        ? renderPart(language, event, "sms", model).strip() : null);
    }

    String renderPart(String language, String event, String part, Map<String, Object> model) {
        Path file = file(language, event, part);
        String source;
        try {
            source = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("notification template " + root.relativize(file) + " unreadable", e);
        }
        DefaultMustacheFactory factory = part.equals("html") ? new DefaultMustacheFactory() : new PlainText();
        Mustache mustache = factory.compile(new StringReader(source), file.getFileName().toString());
        StringWriter out = new StringWriter();
        mustache.execute(out, model);
        return out.toString();
    }

    private Path file(String language, String event, String part) {
        if (!event.matches("[a-z0-9-]+") || !language.matches("[a-zA-Z-]+")) {
            throw new IllegalArgumentException("not a template name: " + language + "/" + event);
        }
        return root.resolve(language).resolve(event + "." + part + ".mustache");
    }

    private static String oneLine(String subject) {
        return subject.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }

    /**
     * What a template sees: every field of the request (orderKey, orderNumber, orderName, customer.name,
     * reasonCategory, lines, total, currency, ...), and
     * <ul>
     * <li>{@code shopName}: the channel's shop name (orderflow.notifications.channels.&lt;channel&gt;.shop-name);</li>
     * <li>{@code greetingName}: the customer's first name, or their full name, or empty;</li>
     * <li>{@code orderLabel}: the order name as the shop shows it (#1001), else the order number;</li>
     * <li>{@code backorderedLines}: the backorder request's {@code backordered} object ({sku: quantity}) as a list
     * of {sku, quantity} (Mustache iterates lists, not objects).</li>
     * </ul>
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> model(JsonNode request, String shopName) {
        Map<String, Object> model = JSON.convertValue(request, LinkedHashMap.class);
        model.put("shopName", shopName);
        String name = request.path("customer").path("name").asText("").strip();
        String first = request.path("customer").path("firstName").asText("").strip();
        model.put("greetingName", !first.isEmpty() ? first : name.isEmpty() ? "" : name.split("\\s+")[0]);
        String orderName = request.path("orderName").asText("");
        model.put("orderLabel", !orderName.isBlank() ? orderName : request.path("orderNumber").asText(""));
        if (request.path("backordered").isObject()) {
            List<Map<String, Object>> lines = new ArrayList<>();
            request.path("backordered").fields().forEachRemaining(e -> {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("sku", e.getKey());
                line.put("quantity", e.getValue().asText());
                lines.add(line);
            });
            model.put("backorderedLines", lines);
        }
        return model;
    }

    /** Text parts (subject, plain text, SMS): values are inserted as they are, not HTML-escaped. */
    private static final class PlainText extends DefaultMustacheFactory {
        @Override
        public void encode(String value, Writer writer) {
            try {
                writer.write(value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}

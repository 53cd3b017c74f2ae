package io.orderflow.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Test client for the webhook endpoints: real HTTP, real signatures computed here independently of the production
 * verifier, fixtures read as raw bytes.
 */
public final class Webhooks {

    public static final Path FIXTURES = Path.of("src/test/resources/fixtures");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private Webhooks() {
    }

    public static byte[] fixture(String name) {
        try {
            return Files.readAllBytes(FIXTURES.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The known-good signature of a fixture from signature-vectors.json. */
    public static JsonNode vector(String fixture) {
        try {
            return JSON.readTree(FIXTURES.resolve("signature-vectors.json").toFile()).get(fixture);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stripe's signature header value for the body signed now: {@code t=<seconds>,v1=<hex HMAC-SHA256 of "t.body">}. */
    public static String stripeSignature(String secret, byte[] body) {
        long t = java.time.Instant.now().getEpochSecond();
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
            return "t=" + t + ",v1=" + java.util.HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String hmacBase64(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A copy of a fixture with its order id replaced, so tests do not share orders. */
    public static byte[] withOrderId(byte[] fixture, String oldIdJson, String newId) {
        String text = new String(fixture, StandardCharsets.UTF_8);
        String replaced = text.replaceFirst("\"id\": " + oldIdJson + ",", "\"id\": " + newId + ",");
        if (replaced.equals(text)) {
            throw new IllegalArgumentException("id " + oldIdJson + " not found in fixture");
        }
        return replaced.getBytes(StandardCharsets.UTF_8);
    }

    public static Map<String, String> shopifyHeaders(String topic, String eventId, String signature) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("X-Shopify-Topic", topic);
        headers.put("X-Shopify-Shop-Domain", "orderflow-test.myshopify.com");
        headers.put("X-Shopify-API-Version", "2026-04");
        headers.put("X-Shopify-Webhook-Id", "wh-" + eventId + "-" + topic);
        headers.put("X-Shopify-Event-Id", eventId);
        headers.put("X-Shopify-Triggered-At", "2026-11-28T10:00:00Z");
        if (signature != null) {
            headers.put("X-Shopify-Hmac-Sha256", signature);
        }
        return headers;
    }

    public static Map<String, String> wooHeaders(String topic, String deliveryId, String signature) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("User-Agent", "WooCommerce/8.6.1 Hookshot (WordPress/6.4.3)");
        headers.put("X-WC-Webhook-Source", "https://shop.example.com/");
        headers.put("X-WC-Webhook-Topic", topic);
        headers.put("X-WC-Webhook-Resource", topic.substring(0, topic.indexOf('.')));
        headers.put("X-WC-Webhook-Event", topic.substring(topic.indexOf('.') + 1));
        headers.put("X-WC-Webhook-ID", "42");
        headers.put("X-WC-Webhook-Delivery-ID", deliveryId);
        if (signature != null) {
            headers.put("X-WC-Webhook-Signature", signature);
        }
        return headers;
    }

    public static HttpResponse<String> post(int port, String path, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

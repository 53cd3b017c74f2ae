package io.orderflow.web;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.orderflow.support.Webhooks.fixture;
import static io.orderflow.support.Webhooks.hmacBase64;
import static io.orderflow.support.Webhooks.shopifyHeaders;
import static io.orderflow.support.Webhooks.wooHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Stream;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.orderflow.support.Broker;
import io.orderflow.support.Queues;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Issue 12, suite 4 (hostile input): a matrix of distinct bad requests against the real HTTP server, each on the
 * webhooks, the admin API or the review API. Every row plants a marker (a header, the query, the body or the password
 * where it can) and asserts: the documented status (docs/reliability.md, "Hostile input"), never a 5xx, never HTML,
 * never a stack trace, the marker nowhere in the answer (body or headers); nothing enqueued on the intake queues for
 * a refused request. The rows whose request is accepted but cannot be processed (bad content, correctly signed)
 * assert the review reason parked on {@code orderflow.review} and that the ERP (a WireMock ERPNext) received no sales
 * order for them: nothing half-done.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"orderflow.data-dir=target/test-data/hostile-matrix-${random.uuid}",
                "spring.artemis.embedded.server-id=47", "orderflow.security.viewer.password=viewer-pass",
                "orderflow.erp.kind=erpnext", "orderflow.erp.erpnext.api-key=erp-key",
                "orderflow.erp.erpnext.api-secret=erp-secret", "orderflow.erp.erpnext.company=Demo Shop Ltd",
                "orderflow.erp.erpnext.warehouse=Stores - DS"})
@ActiveProfiles("test")
@ExtendWith(OutputCaptureExtension.class)
class HostileInputMatrixTest {

    static final String SHOPIFY = "/webhooks/shop/test-shopify";
    static final String WOO = "/webhooks/shop/test-woo";
    static final String STRIPE = "/webhooks/payment/stripe";
    static final String SHOPIFY_SECRET = "shpss_test_client_secret";
    static final String WOO_SECRET = "wc_test_webhook_secret";
    static final String STRIPE_SECRET = "whsec_test_secret_for_fixtures";
    static final String PASSWORD = "test-admin-password";
    static final String MARKER = "mk" + UUID.randomUUID().toString().replace("-", "");
    static final AtomicLong IDS = new AtomicLong(System.currentTimeMillis() % 1_000_000_000L * 1000);
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /** Rows whose event needs its order known first: the row's name -> an authorized order posted before it. */
    static final Map<String, byte[]> SETUP = new java.util.concurrent.ConcurrentHashMap<>();
    static final WireMockServer ERPNEXT = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    static {
        ERPNEXT.start();
    }

    @DynamicPropertySource
    static void erp(DynamicPropertyRegistry registry) {
        registry.add("orderflow.erp.url", ERPNEXT::baseUrl);
    }

    @BeforeAll
    static void erpKnowsTheFixtureSkus() {
        ERPNEXT.stubFor(get(urlPathEqualTo("/api/resource/Sales%20Order")).willReturn(data("[]")));
        ERPNEXT.stubFor(get(urlPathEqualTo("/api/resource/Customer")).willReturn(data("[{\"name\":\"Bob Norman\"}]")));
        ERPNEXT.stubFor(get(urlPathEqualTo("/api/resource/Item")).willReturn(data(
                "[{\"item_code\":\"IPOD2008GREEN\"},{\"item_code\":\"IPOD2008RED\"},{\"item_code\":\"IPOD2008BLACK\"}]")));
        ERPNEXT.stubFor(get(urlPathEqualTo("/api/resource/Bin")).willReturn(data(
                "[{\"item_code\":\"IPOD2008GREEN\",\"actual_qty\":50,\"reserved_qty\":0},"
                        + "{\"item_code\":\"IPOD2008RED\",\"actual_qty\":50,\"reserved_qty\":0},"
                        + "{\"item_code\":\"IPOD2008BLACK\",\"actual_qty\":50,\"reserved_qty\":0}]")));
        ERPNEXT.stubFor(post(urlEqualTo("/api/resource/Sales%20Order")).willReturn(data("{\"name\":\"SO-1\",\"docstatus\":0}")));
        ERPNEXT.stubFor(put(urlEqualTo("/api/resource/Sales%20Order/SO-1")).willReturn(data("{\"name\":\"SO-1\",\"docstatus\":1}")));
        ERPNEXT.stubFor(get(urlEqualTo("/api/resource/Sales%20Order/SO-1")).willReturn(data("{\"name\":\"SO-1\",\"grand_total\":0}")));
    }

    @AfterAll
    static void stopErp() {
        ERPNEXT.stop();
    }

    @LocalServerPort
    int port;
    @Autowired
    EmbeddedActiveMQ embedded;
    @Autowired
    JmsTemplate jms;

    // --- the matrix ---------------------------------------------------------------------------------------------

    /** One bad request. {@code review}: for an accepted event, the text its review reason must contain. */
    record Row(String name, String method, String path, Map<String, String> headers, byte[] body, int status,
            String orderKey, String review) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A request written byte by byte on a socket (what HttpClient refuses to send: CR/LF in headers, bad paths). */
    record RawRow(String name, String request, int... statuses) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> rows() {
        List<Row> rows = new ArrayList<>();
        // Shopify: signatures
        byte[] order = shopifyOrder(next(), o -> o);
        rows.add(shopify("shopify: no signature", order, null, 401));
        rows.add(shopify("shopify: empty signature", order, "", 401));
        rows.add(shopify("shopify: forged signature", order, base64("forged-" + MARKER), 401));
        rows.add(shopify("shopify: signed with another secret", order, hmacBase64("another-secret", order), 401));
        rows.add(shopify("shopify: a valid signature of another body (replayed onto a forged body)",
                shopifyOrder(next(), o -> o.replace("\"paid\"", "\"refunded\"")), hmacBase64(SHOPIFY_SECRET, order), 401));
        rows.add(shopify("shopify: hex instead of base64", order, HexFormat.of().formatHex(
                Base64.getDecoder().decode(hmacBase64(SHOPIFY_SECRET, order))), 401));
        rows.add(shopify("shopify: signature with markup", order, "<script>" + MARKER + "</script>", 401));
        rows.add(shopify("shopify: 7 KB signature", order, "A".repeat(7000) + MARKER, 401));
        // Every content type, badly signed: 401, and signed but not JSON: 400
        for (String type : new String[] {"application/x-www-form-urlencoded", "text/plain", "application/xml",
                "multipart/form-data; boundary=xyz", null}) {
            Map<String, String> headers = shopifyHeaders("orders/create", uid(), hmacBase64("wrong", order));
            contentType(headers, type);
            rows.add(new Row("shopify: bad signature as " + type, "POST", SHOPIFY, headers, order, 401, null, null));
        }
        for (String[] typed : new String[][] {{"application/x-www-form-urlencoded", "email=" + MARKER + "&a=%zz&b"},
                {"text/plain", "hello " + MARKER}, {"application/xml", "<order><id>" + MARKER + "</id></order>"},
                {"multipart/form-data; boundary=xyz", "--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n"
                        + MARKER + "\r\n--xyz--\r\n"}, {null, MARKER}}) {
            byte[] body = typed[1].getBytes(StandardCharsets.UTF_8);
            Map<String, String> headers = shopifyHeaders("orders/create", uid(), hmacBase64(SHOPIFY_SECRET, body));
            contentType(headers, typed[0]);
            rows.add(new Row("shopify: signed " + typed[0] + " body that is no JSON", "POST", SHOPIFY, headers, body, 400,
                    null, null));
        }
        // Body shapes, correctly signed
        rows.add(signedShopify("shopify: truncated JSON", new String(order, StandardCharsets.UTF_8).substring(0, 300), 400));
        rows.add(signedShopify("shopify: 60,000 levels deep", "[".repeat(30_000) + "\"" + MARKER + "\"" + "]".repeat(30_000), 400));
        rows.add(signedShopify("shopify: 5,000 levels deep object", "{\"id\":1,\"x\":" + "{\"a\":".repeat(5000) + "1"
                + "}".repeat(5000) + ",\"m\":\"" + MARKER + "\"}", 400));
        rows.add(signedShopify("shopify: a JSON array", "[{\"id\":1,\"m\":\"" + MARKER + "\"}]", 400));
        rows.add(signedShopify("shopify: a JSON string", "\"" + MARKER + "\"", 400));
        rows.add(signedShopify("shopify: an object without id", "{\"email\":\"" + MARKER + "@x.example\"}", 400));
        rows.add(signedShopify("shopify: empty body", "", 400));
        rows.add(signedShopify("shopify: id is an object", "{\"id\":{\"$ne\":\"" + MARKER + "\"}}", 400));
        rows.add(signedShopify("shopify: id is null", "{\"id\":null,\"m\":\"" + MARKER + "\"}", 400));
        rows.add(signedShopify("shopify: id with path traversal", "{\"id\":\"../../admin/" + MARKER + "\"}", 400));
        rows.add(signedShopify("shopify: id with encoded traversal", "{\"id\":\"..%2f..%2f" + MARKER + "\"}", 400));
        rows.add(signedShopify("shopify: id of dots", "{\"id\":\"..\"}", 400));
        rows.add(signedShopify("shopify: id with CR/LF", "{\"id\":\"1\\r\\nX-Injected: " + MARKER + "\"}", 400));
        rows.add(signedShopify("shopify: id of 5,000 digits", "{\"id\":" + "9".repeat(5000) + "}", 400));
        rows.add(signedShopify("shopify: duplicate keys", "{\"id\":1,\"id\":\"" + MARKER + "\"}", 400));
        byte[] bom = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, order);
        rows.add(new Row("shopify: UTF-8 byte order mark before the JSON", "POST", SHOPIFY,
                shopifyHeaders("orders/create", uid(), hmacBase64(SHOPIFY_SECRET, bom)), bom, 400, null, null));
        Map<String, String> noTopic = shopifyHeaders("orders/create", uid(), hmacBase64(SHOPIFY_SECRET, order));
        noTopic.remove("X-Shopify-Topic");
        rows.add(new Row("shopify: no topic header", "POST", SHOPIFY, noTopic, order, 400, null, null));
        Map<String, String> oddTopic = shopifyHeaders("orders/<b>" + MARKER + "</b>", uid(), hmacBase64(SHOPIFY_SECRET, order));
        rows.add(new Row("shopify: topic with markup", "POST", SHOPIFY, oddTopic, order, 400, null, null));
        // Accepted (correctly signed, well-formed) but not processable: parked for review, no ERP order
        long id;
        id = next();
        rows.add(signedShopify("shopify: negative quantity", shopifyOrder(id, o -> o.replaceFirst("\"quantity\": 1", "\"quantity\": -3")),
                200, "test-shopify:" + id, "quantity"));
        id = next();
        rows.add(signedShopify("shopify: negative price", shopifyOrder(id, o -> o.replaceFirst("\"price\": \"199.00\"", "\"price\": \"-199.00\"")),
                200, "test-shopify:" + id, "price"));
        id = next();
        rows.add(signedShopify("shopify: a quantity of 10^30", shopifyOrder(id, o -> o.replaceFirst("\"quantity\": 1",
                "\"quantity\": 1000000000000000000000000000000")), 200, "test-shopify:" + id, "quantity"));
        id = next();
        rows.add(signedShopify("shopify: a total of 1e400", shopifyOrder(id, o -> o.replace("\"total_price\": \"409.94\"",
                "\"total_price\": 1e400")), 200, "test-shopify:" + id, "total"));
        id = next();
        rows.add(signedShopify("shopify: unknown SKU with markup", shopifyOrder(id, o -> o.replaceFirst("\"IPOD2008GREEN\"",
                "\"<img src=x onerror=alert(1)>" + MARKER + "\"")), 200, "test-shopify:" + id, "SKU"));
        id = next();
        rows.add(signedShopify("shopify: unknown currency", shopifyOrder(id, o -> o.replace("\"USD\"", "\"XXQ\"")),
                200, "test-shopify:" + id, "409.94 XXQ is not a valid amount"));
        // Correctly signed (the HMAC is over the raw bytes), but JSON is UTF-8: refused as a malformed body
        rows.add(signedShopify("shopify: invalid UTF-8 inside the name", invalidUtf8(shopifyOrder(next(), o -> o)),
                400, null, null));
        // Woo
        byte[] woo = wooOrder(next());
        rows.add(new Row("woo: no signature", "POST", WOO, wooHeaders("order.created", uid(), null), woo, 401, null, null));
        rows.add(new Row("woo: forged signature", "POST", WOO, wooHeaders("order.created", uid(), base64(MARKER)), woo, 401,
                null, null));
        rows.add(new Row("woo: Shopify's secret", "POST", WOO, wooHeaders("order.created", uid(),
                hmacBase64(SHOPIFY_SECRET, woo)), woo, 401, null, null));
        Map<String, String> wooForm = wooHeaders("order.created", uid(), base64("x"));
        contentType(wooForm, "application/x-www-form-urlencoded");
        rows.add(new Row("woo: form body with a bad signature", "POST", WOO, wooForm,
                ("webhook_id=1&m=" + MARKER + "&x=%").getBytes(StandardCharsets.UTF_8), 401, null, null));
        byte[] wooNested = ("{\"id\":1,\"line_items\":" + "[".repeat(3000) + "]".repeat(3000) + "}").getBytes(StandardCharsets.UTF_8);
        rows.add(new Row("woo: signed, 3,000 levels deep", "POST", WOO,
                wooHeaders("order.created", uid(), hmacBase64(WOO_SECRET, wooNested)), wooNested, 400, null, null));
        // Stripe
        byte[] payment = stripePayment(next(), 40994, "usd");
        long now = System.currentTimeMillis() / 1000;
        rows.add(stripe("stripe: no signature", payment, null, 401));
        rows.add(stripe("stripe: malformed header", payment, MARKER, 401));
        rows.add(stripe("stripe: forged v1", payment, "t=" + now + ",v1=" + "ab".repeat(32), 401));
        rows.add(stripe("stripe: stale timestamp (1 h old), correctly signed", payment, stripeSignature(payment, now - 3600), 401));
        // Only the sender (who has the secret) can sign a future timestamp; Stripe's own libraries accept it (clock skew)
        rows.add(stripe("stripe: timestamp 1 h ahead, correctly signed", payment, stripeSignature(payment, now + 3600), 200));
        rows.add(stripe("stripe: replayed fixture signature (2023)", fixture("stripe-payment_intent.succeeded.with-order-metadata.json"),
                io.orderflow.support.Webhooks.vector("stripe-payment_intent.succeeded.with-order-metadata.json").get("value").asText(), 401));
        rows.add(stripe("stripe: v0 scheme only", payment, "t=" + now + ",v0=" + "ab".repeat(32), 401));
        rows.add(stripe("stripe: timestamp that is no number", payment, "t=" + MARKER + ",v1=" + "ab".repeat(32), 401));
        byte[] notJson = ("<xml>" + MARKER + "</xml>").getBytes(StandardCharsets.UTF_8);
        rows.add(stripe("stripe: signed, not JSON", notJson, stripeSignature(notJson, now), 400));
        byte[] bomPayment = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, payment);
        rows.add(stripe("stripe: signed, byte order mark before the JSON", bomPayment, stripeSignature(bomPayment, now), 400));
        byte[] dupPayment = ("{\"id\":\"evt_1\",\"object\":\"event\",\"type\":\"payment_intent.succeeded\","
                + "\"type\":\"" + MARKER + "\"}").getBytes(StandardCharsets.UTF_8);
        rows.add(stripe("stripe: signed, duplicate keys", dupPayment, stripeSignature(dupPayment, now), 400));
        byte[] notEvent = ("{\"id\":\"" + MARKER + "\"}").getBytes(StandardCharsets.UTF_8);
        rows.add(stripe("stripe: signed, not an event", notEvent, stripeSignature(notEvent, now), 400));
        rows.add(new Row("stripe: unknown provider", "POST", "/webhooks/payment/paypal" + MARKER,
                Map.of("Stripe-Signature", stripeSignature(payment, now)), payment, 404, null, null));
        id = next();
        byte[] euros = stripePayment(id, 40994, "eur");
        SETUP.put("stripe: currency other than the order's", new String(shopifyOrder(id, o -> o), StandardCharsets.UTF_8)
                .replace("\"financial_status\": \"paid\"", "\"financial_status\": \"authorized\"").getBytes(StandardCharsets.UTF_8));
        rows.add(new Row("stripe: currency other than the order's", "POST", STRIPE,
                Map.of("Content-Type", "application/json", "Stripe-Signature", stripeSignature(euros, now)), euros, 200,
                "test-shopify:" + id, "currency"));
        byte[] orphan = new String(stripePayment(next(), 100, "usd"), StandardCharsets.UTF_8)
                .replace("\"order_id\"", "\"not_the_order\"").getBytes(StandardCharsets.UTF_8);
        rows.add(new Row("stripe: succeeded payment naming no order", "POST", STRIPE,
                Map.of("Content-Type", "application/json", "Stripe-Signature", stripeSignature(orphan, now)), orphan, 200,
                "", "order"));
        // Paths, methods
        rows.add(new Row("unknown channel", "POST", "/webhooks/shop/" + MARKER, signed(order), order, 404, null, null));
        rows.add(new Row("channel with encoded dots", "POST", "/webhooks/shop/%2e%2e", signed(order), order, 400, null, null));
        rows.add(new Row("channel double-encoded traversal", "POST", "/webhooks/shop/..%252fadmin%252fqueues", signed(order), order,
                400, null, null));
        rows.add(new Row("payment provider with encoded dots", "POST", "/webhooks/payment/%2e%2e", Map.of(), payment, 400, null, null));
        rows.add(new Row("GET on a webhook", "GET", SHOPIFY + "?x=" + MARKER, Map.of(), new byte[0], 405, null, null));
        rows.add(new Row("PUT on a webhook", "PUT", SHOPIFY, signed(order), order, 405, null, null));
        rows.add(new Row("DELETE on a payment webhook", "DELETE", STRIPE, Map.of(), new byte[0], 405, null, null));
        rows.add(new Row("body over the limit (declared)", "POST", SHOPIFY, signed(new byte[70_000]), big(70_000), 413, null, null));
        // Admin and review APIs
        rows.add(admin("admin: anonymous queues", "GET", "/admin/queues", null, 401));
        rows.add(admin("admin: wrong password", "GET", "/admin/queues", basic("admin:" + MARKER), 401));
        rows.add(admin("admin: unknown user", "GET", "/admin/queues", basic(MARKER + ":" + PASSWORD), 401));
        rows.add(admin("admin: malformed basic", "GET", "/admin/queues", "Basic " + MARKER + "!!", 401));
        rows.add(admin("admin: bearer token", "GET", "/admin/queues", "Bearer " + MARKER, 401));
        rows.add(admin("admin: anonymous replay", "POST", "/admin/review/replay", null, 401));
        rows.add(admin("admin: viewer may not replay", "POST", "/admin/review/replay", basic("viewer:viewer-pass"), 403));
        rows.add(admin("admin: viewer may not approve", "POST", "/admin/orders/test-shopify:1/approve", basic("viewer:viewer-pass"), 403));
        rows.add(admin("admin: DELETE queues", "DELETE", "/admin/queues", basic("admin:" + PASSWORD), 405));
        rows.add(admin("admin: GET replay", "GET", "/admin/review/replay", basic("admin:" + PASSWORD), 405));
        rows.add(admin("admin: order key with encoded dots", "GET", "/admin/orders/%2e%2e", basic("admin:" + PASSWORD), 400));
        rows.add(admin("review: anonymous list", "GET", "/api/admin/review/messages", null, 401));
        rows.add(admin("review: viewer may not discard", "POST", "/api/admin/review/messages/ID:1/discard", basic("viewer:viewer-pass"), 403));
        rows.add(admin("review: limit -1", "GET", "/api/admin/review/messages?limit=-1&x=" + MARKER, basic("admin:" + PASSWORD), 400));
        rows.add(admin("review: limit out of range", "GET", "/api/admin/review/messages?limit=99999999999999999999", basic("admin:" + PASSWORD), 400));
        rows.add(admin("review: unknown queue", "GET", "/api/admin/review/messages?queue=" + MARKER, basic("admin:" + PASSWORD), 400));
        rows.add(admin("review: no such message", "GET", "/api/admin/review/messages/ID:nothing-here", basic("admin:" + PASSWORD), 404));
        rows.add(admin("review: PATCH replay", "PATCH", "/api/admin/review/replay", basic("admin:" + PASSWORD), 405));
        rows.add(new Row("review: replay body that is no JSON", "POST", "/api/admin/review/replay",
                Map.of("Authorization", basic("admin:" + PASSWORD), "Content-Type", "application/x-www-form-urlencoded"),
                ("{\"messageIds\":[\"" + MARKER).getBytes(StandardCharsets.UTF_8), 400, null, null));
        rows.add(new Row("review: replay 10,000 levels deep", "POST", "/api/admin/review/replay",
                Map.of("Authorization", basic("admin:" + PASSWORD), "Content-Type", "application/json"),
                ("{\"messageIds\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}").getBytes(StandardCharsets.UTF_8), 400, null, null));
        rows.add(new Row("review: discard with a markup reason of an unknown message", "POST",
                "/api/admin/review/messages/ID:none/discard",
                Map.of("Authorization", basic("admin:" + PASSWORD), "Content-Type", "application/json"),
                ("{\"reason\":\"<script>" + MARKER + "</script>\"}").getBytes(StandardCharsets.UTF_8), 404, null, null));
        rows.add(new Row("review: discard reason of 2,000 characters", "POST", "/api/admin/review/messages/ID:none/discard",
                Map.of("Authorization", basic("admin:" + PASSWORD), "Content-Type", "application/json"),
                ("{\"reason\":\"" + MARKER.repeat(60) + "\"}").getBytes(StandardCharsets.UTF_8), 400, null, null));
        rows.add(admin("actuator: anonymous env", "GET", "/actuator/env", null, 401));
        rows.add(admin("actuator: anonymous prometheus", "GET", "/actuator/prometheus", null, 401));
        rows.add(admin("actuator: viewer may not POST", "POST", "/actuator/loggers/root", basic("viewer:viewer-pass"), 403));
        return rows.stream().map(Arguments::of);
    }

    static Stream<Arguments> rawRows() {
        String host = "Host: localhost\r\n";
        String auth = "Authorization: " + basic("admin:" + PASSWORD) + "\r\n";
        return Stream.<RawRow>of(
                new RawRow("path traversal ..%2f on a webhook", "POST /webhooks/shop/..%2f..%2fadmin%2fqueues?" + MARKER
                        + " HTTP/1.1\r\n" + host + "Content-Length: 0\r\n\r\n", 400),
                new RawRow("path traversal %2e%2e/ on the admin API", "GET /admin/orders/%2e%2e/%2e%2e/queues?" + MARKER
                        + " HTTP/1.1\r\n" + host + auth + "\r\n", 400, 404),
                new RawRow("encoded traversal in a review message id", "POST /api/admin/review/messages/ID:..%2f..%2f"
                        + MARKER + "/replay HTTP/1.1\r\n" + host + auth + "Content-Length: 0\r\n\r\n", 400),
                new RawRow("NUL in the channel", "POST /webhooks/shop/test-shopify%00" + MARKER + " HTTP/1.1\r\n" + host
                        + "Content-Length: 0\r\n\r\n", 400),
                new RawRow("header injection: bare CR in the topic", "POST " + SHOPIFY + " HTTP/1.1\r\n" + host
                        + "X-Shopify-Topic: orders/create\rX-Injected: " + MARKER + "\r\nContent-Length: 0\r\n\r\n", 400),
                new RawRow("header injection: bare LF in the signature", "POST " + SHOPIFY + " HTTP/1.1\r\n" + host
                        + "X-Shopify-Hmac-Sha256: abc\nSet-Cookie: " + MARKER + "\r\nContent-Length: 0\r\n\r\n", 400, 401),
                new RawRow("obsolete header folding", "POST " + SHOPIFY + " HTTP/1.1\r\n" + host
                        + "X-Shopify-Topic: orders/create\r\n " + MARKER + "\r\nContent-Length: 0\r\n\r\n", 400, 401),
                new RawRow("a 64 KB header value", "POST " + SHOPIFY + " HTTP/1.1\r\n" + host + "X-Shopify-Hmac-Sha256: "
                        + MARKER.repeat(2000) + "\r\nContent-Length: 0\r\n\r\n", 400, 431),
                new RawRow("Content-Length and Transfer-Encoding both", "POST " + SHOPIFY + " HTTP/1.1\r\n" + host
                        + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, 401),
                new RawRow("chunked body over the limit", "POST " + SHOPIFY + " HTTP/1.1\r\n" + host
                        + "Transfer-Encoding: chunked\r\n\r\n" + "11170\r\n" + MARKER.repeat(70_000 / MARKER.length() + 1)
                        .substring(0, 0x11170) + "\r\n0\r\n\r\n", 413),
                new RawRow("markup in the path of the review API", "GET /api/admin/review/messages/<script>" + MARKER
                        + " HTTP/1.1\r\n" + host + auth + "\r\n", 400)).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void aBadRequestGetsItsDocumentedAnswerAndChangesNothing(Row row) throws Exception {
        Broker broker = new Broker(embedded);
        long shopBefore = broker.added("orderflow.intake.shop");
        long paymentBefore = broker.added("orderflow.intake.payment");
        byte[] setup = SETUP.get(row.name());
        if (setup != null) {
            assertThat(send("POST", SHOPIFY, setup, signed(setup)).statusCode()).as(row.name() + ": its order").isEqualTo(200);
            Queues.await(jms, io.orderflow.broker.BrokerAddresses.stateQueueOf("orderflow.gate.state", row.orderKey()),
                    row.orderKey());
            shopBefore = broker.added("orderflow.intake.shop");
        }
        Map<String, String> headers = new LinkedHashMap<>(row.headers());
        headers.putIfAbsent("X-Probe", MARKER);
        headers.putIfAbsent("User-Agent", "agent-" + MARKER);
        HttpResponse<String> response = send(row.method(), row.path(), row.body(), headers);

        assertClean(row.name(), response.statusCode(), response.body(), response.headers().map());
        assertThat(response.statusCode()).as(row.name() + ": " + response.body()).isEqualTo(row.status());
        if (response.statusCode() >= 400) {
            assertThat(broker.added("orderflow.intake.shop")).as(row.name() + ": nothing enqueued").isEqualTo(shopBefore);
            assertThat(broker.added("orderflow.intake.payment")).as(row.name() + ": nothing enqueued").isEqualTo(paymentBefore);
        }
        if (row.review() != null) {
            TextMessage parked = awaitReview(row.orderKey());
            assertThat(parked.getStringProperty("orderflowReason")).as(row.name()).containsIgnoringCase(row.review());
            if (!row.orderKey().isEmpty()) {
                String reference = row.orderKey().replace(':', '-');
                ERPNEXT.verify(0, postRequestedFor(urlEqualTo("/api/resource/Sales%20Order"))
                        .withRequestBody(matchingJsonPath("$.po_no", com.github.tomakehurst.wiremock.client.WireMock.equalTo(reference))));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rawRows")
    void aMalformedRequestOnTheWireGetsShortJsonWithoutEcho(RawRow row) throws Exception {
        Broker broker = new Broker(embedded);
        long shopBefore = broker.added("orderflow.intake.shop");
        String answer = rawExchange(row.request());
        assertThat(answer).as(row.name() + ": an answer").isNotEmpty();
        int status = Integer.parseInt(answer.substring(9, 12));
        int headEnd = answer.indexOf("\r\n\r\n");
        String body = headEnd < 0 ? "" : answer.substring(headEnd + 4);
        if (answer.substring(0, Math.max(headEnd, 0)).toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
            body = dechunk(body);
        }
        Map<String, List<String>> head = new LinkedHashMap<>();
        for (String line : answer.substring(0, headEnd < 0 ? answer.length() : headEnd).split("\r\n")) {
            head.computeIfAbsent(line, k -> new ArrayList<>()).add(line);
        }
        assertClean(row.name(), status, body, head);
        assertThat(status).as(row.name() + ": " + answer.lines().findFirst().orElse("")).isIn(
                java.util.Arrays.stream(row.statuses()).boxed().toList());
        assertThat(broker.added("orderflow.intake.shop")).as(row.name() + ": nothing enqueued").isEqualTo(shopBefore);
    }

    /** The matrix is what issue 12 asks: at least 50 distinct bad requests. */
    @Test
    void theMatrixHasAtLeastFiftyDistinctBadRequests(CapturedOutput output) {
        long distinct = Stream.concat(rows().map(a -> a.get()[0].toString()), rawRows().map(a -> a.get()[0].toString()))
                .distinct().count();
        assertThat(distinct).isGreaterThanOrEqualTo(50);
    }

    // --- assertions ---------------------------------------------------------------------------------------------

    private static void assertClean(String name, int status, String body, Map<String, List<String>> headers) {
        assertThat(status).as(name + ": no 5xx (" + body + ")").isLessThan(500);
        assertThat(body).as(name).doesNotContainIgnoringCase("<html").doesNotContainIgnoringCase("<!doctype")
                .doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("Tomcat").doesNotContain(MARKER)
                .doesNotContain(PASSWORD);
        assertThat(body.length()).as(name + ": a short answer").isLessThan(2000);
        if (!body.isBlank()) {
            assertThat(body.strip()).as(name + ": JSON").startsWith("{");
        }
        headers.forEach((header, values) -> {
            assertThat(header).as(name).doesNotContain(MARKER);
            assertThat(String.join(",", values)).as(name + " header " + header).doesNotContain(MARKER)
                    .doesNotContain(PASSWORD);
        });
        assertThat(headers.keySet().stream().map(h -> h.toLowerCase(Locale.ROOT)).toList()).as(name)
                .doesNotContain("x-probe", "user-agent", "set-cookie", "x-injected");
    }

    private TextMessage awaitReview(String orderKey) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            List<TextMessage> found = orderKey.isEmpty() ? reviewWithoutOrder() : Queues.browse(jms, "orderflow.review", orderKey);
            if (!found.isEmpty()) {
                return found.get(found.size() - 1);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("nothing parked for '" + orderKey + "' on orderflow.review within 30 s");
    }

    private List<TextMessage> reviewWithoutOrder() {
        return jms.browse("orderflow.review", (session, browser) -> {
            List<TextMessage> all = new ArrayList<>();
            var e = browser.getEnumeration();
            while (e.hasMoreElements()) {
                TextMessage m = (TextMessage) e.nextElement();
                if (m.getText().contains("not_the_order")) {
                    all.add(m);
                }
            }
            return all;
        });
    }

    // --- requests -----------------------------------------------------------------------------------------------

    private static Row shopify(String name, byte[] body, String signature, int status) {
        return new Row(name, "POST", SHOPIFY, shopifyHeaders("orders/create", uid(), signature), body, status, null, null);
    }

    private static Row signedShopify(String name, String body, int status) {
        return signedShopify(name, body.getBytes(StandardCharsets.UTF_8), status, null, null);
    }

    private static Row signedShopify(String name, byte[] body, int status, String orderKey, String review) {
        return new Row(name, "POST", SHOPIFY, signed(body), body, status, orderKey, review);
    }

    private static Map<String, String> signed(byte[] body) {
        return shopifyHeaders("orders/create", uid(), hmacBase64(SHOPIFY_SECRET, body));
    }

    private static Row stripe(String name, byte[] body, String signature, int status) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        if (signature != null) {
            headers.put("Stripe-Signature", signature);
        }
        return new Row(name, "POST", STRIPE, headers, body, status, null, null);
    }

    private static Row admin(String name, String method, String path, String authorization, int status) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (authorization != null) {
            headers.put("Authorization", authorization);
        }
        headers.put("Cookie", "JSESSIONID=" + MARKER);
        return new Row(name, method, path, headers, new byte[0], status, null, null);
    }

    /** The Shopify fixture as a paid order with a new id, changed by {@code edit}. */
    static byte[] shopifyOrder(long id, Function<String, String> edit) {
        String text = new String(fixture("shopify-orders-create.json"), StandardCharsets.UTF_8)
                .replaceFirst("\"id\": 450789469,", "\"id\": " + id + ",")
                .replace("\"financial_status\": \"authorized\"", "\"financial_status\": \"paid\"");
        return edit.apply(text).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] wooOrder(long id) {
        return new String(fixture("woocommerce-order-created.json"), StandardCharsets.UTF_8)
                .replaceFirst("\"id\": 727,", "\"id\": " + id + ",").getBytes(StandardCharsets.UTF_8);
    }

    static byte[] stripePayment(long orderId, long amount, String currency) {
        return new String(fixture("stripe-payment_intent.succeeded.with-order-metadata.json"), StandardCharsets.UTF_8)
                .replace("\"order_id\": \"450789469\"", "\"order_id\": \"" + orderId + "\"")
                .replace("\"amount\": 2000", "\"amount\": " + amount)
                .replace("\"amount_received\": 2000", "\"amount_received\": " + amount)
                .replace("\"currency\": \"usd\"", "\"currency\": \"" + currency + "\"")
                .replace("evt_000000000000000000000000", "evt_" + orderId)
                .replace("pi_000000000000000000000000", "pi_" + orderId)
                .getBytes(StandardCharsets.UTF_8);
    }

    static String stripeSignature(byte[] body, long timestamp) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(STRIPE_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return "t=" + timestamp + ",v1=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] invalidUtf8(byte[] valid) {
        String text = new String(valid, StandardCharsets.UTF_8);
        int at = text.indexOf("\"#1001") + 2;
        return concat(java.util.Arrays.copyOfRange(valid, 0, at), concat(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF},
                java.util.Arrays.copyOfRange(valid, at, valid.length)));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static byte[] big(int size) {
        byte[] body = new byte[size];
        java.util.Arrays.fill(body, (byte) 'a');
        return body;
    }

    private static void contentType(Map<String, String> headers, String type) {
        headers.remove("Content-Type");
        if (type != null) {
            headers.put("Content-Type", type);
        }
    }

    private static long next() {
        return IDS.incrementAndGet();
    }

    private static String uid() {
        return UUID.randomUUID().toString();
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String basic(String credentials) {
        return "Basic " + base64(credentials);
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder data(String data) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("{\"data\":" + data + "}");
    }

    private HttpResponse<String> send(String method, String path, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, body.length == 0 && !method.equals("POST") ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
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

    private String rawExchange(String request) throws IOException {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (IOException closedEarly) {
                // the server may answer and close before the whole request is written
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                int n;
                while ((n = in.read(buffer)) != -1) {
                    answer.write(buffer, 0, n);
                    if (complete(answer.toString(StandardCharsets.ISO_8859_1))) {
                        break;
                    }
                }
            } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
                // keep what arrived
            }
            return answer.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static String dechunk(String chunked) {
        StringBuilder body = new StringBuilder();
        int at = 0;
        while (at < chunked.length()) {
            int eol = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, eol).trim(), 16);
            if (size == 0) {
                break;
            }
            body.append(chunked, eol + 2, eol + 2 + size);
            at = eol + 2 + size + 2;
        }
        return body.toString();
    }

    private static boolean complete(String answer) {
        int end = answer.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        String head = answer.substring(0, end).toLowerCase(Locale.ROOT);
        int at = head.indexOf("content-length:");
        if (at >= 0) {
            int eol = head.indexOf('\n', at);
            int length = Integer.parseInt(head.substring(at + 15, eol < 0 ? head.length() : eol).trim());
            return answer.length() - end - 4 >= length;
        }
        return head.contains("transfer-encoding: chunked") && answer.endsWith("0\r\n\r\n");
    }
}

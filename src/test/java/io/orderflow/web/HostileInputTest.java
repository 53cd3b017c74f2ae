package io.orderflow.web;

import static io.orderflow.support.Webhooks.fixture;
import static io.orderflow.support.Webhooks.hmacBase64;
import static io.orderflow.support.Webhooks.json;
import static io.orderflow.support.Webhooks.shopifyHeaders;
import static io.orderflow.support.Webhooks.withOrderId;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import io.orderflow.support.Broker;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.camel.CamelContext;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * Issue 12: what hostile or merely unusual requests get. Every answer is short JSON (or empty), never HTML, never a
 * stack trace, never anything of the request (its headers, its path, its body); nothing is enqueued for a refused
 * request; the signature is always checked over the raw bytes.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"orderflow.data-dir=target/test-data/hostile-${random.uuid}", "spring.artemis.embedded.server-id=20"})
@ActiveProfiles("test")
@ExtendWith(OutputCaptureExtension.class)
class HostileInputTest {

    static final String SHOPIFY = "/webhooks/shop/test-shopify";
    static final String SECRET = "shpss_test_client_secret";
    static final String PASSWORD = "test-admin-password";
    static final String MARKER = "hostile-marker-" + UUID.randomUUID();
    static final String CUSTOMER_EMAIL = "bob.norman@hostmail.com";
    static final AtomicLong IDS = new AtomicLong(System.currentTimeMillis() % 1_000_000_000L * 1000);
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @LocalServerPort
    int port;
    @Autowired
    EmbeddedActiveMQ embeddedBroker;
    @Autowired
    CamelContext camel;
    Broker broker;

    @BeforeEach
    void setUp() throws Exception {
        camel.getRouteController().stopRoute("payment-gate");
        broker = new Broker(embeddedBroker);
    }

    // --- defect 2: nothing of the request's headers comes back ---------------------------------------------------

    @Test
    void noEndpointSendsBackTheRequestsHeaders() {
        byte[] body = newOrder();
        Map<String, String> signed = shopifyHeaders("orders/create", uniqueId(), hmacBase64(SECRET, body));
        List<Call> calls = List.of(
                new Call("GET", "/admin/queues", new byte[0], Map.of()),
                new Call("POST", "/admin/review/replay", new byte[0], Map.of()),
                new Call("POST", "/admin/review/replay?messageId=ID:" + MARKER, new byte[0], Map.of()),
                new Call("GET", "/admin/orders/test-shopify:" + MARKER, new byte[0], Map.of()),
                new Call("POST", "/admin/orders/test-shopify:" + MARKER + "/approve", new byte[0], Map.of()),
                new Call("GET", "/admin/" + MARKER, new byte[0], Map.of()),
                new Call("GET", "/actuator/health", new byte[0], Map.of()),
                new Call("POST", SHOPIFY, body, signed),
                new Call("POST", SHOPIFY, body, shopifyHeaders("orders/create", uniqueId(), "d3Jvbmc=")),
                new Call("POST", "/webhooks/shop/" + MARKER, body, signed),
                new Call("POST", "/webhooks/payment/stripe", body, Map.of("Stripe-Signature", "t=1,v1=00")),
                new Call("GET", SHOPIFY, new byte[0], Map.of()),
                new Call("OPTIONS", SHOPIFY, new byte[0], Map.of()),
                new Call("OPTIONS", "/admin/queues", new byte[0], Map.of()),
                new Call("POST", "/admin/review/replay?messageId=" + java.net.URLEncoder.encode(
                        "a,b)'\"${header.Authorization}" + MARKER, StandardCharsets.UTF_8), new byte[0], Map.of()),
                new Call("GET", "/" + MARKER, new byte[0], Map.of()));
        for (String authorization : new String[] {basic("admin:" + PASSWORD), basic("admin:wrong-" + MARKER)}) {
            for (Call call : calls) {
                Map<String, String> headers = new LinkedHashMap<>(call.headers());
                headers.put("Authorization", authorization);
                headers.put("Cookie", "session=" + MARKER);
                headers.put("User-Agent", "agent-" + MARKER);
                headers.put("X-Custom-" + "Probe", MARKER);
                HttpResponse<String> response = send(call.method(), call.path(), call.body(), headers);
                String what = call.method() + " " + call.path() + " -> " + response.statusCode();
                if (!call.path().equals("/actuator/health")) { // 503 here: this test stops the payment gate
                    assertThat(response.statusCode()).as(what).isLessThan(500);
                }
                response.headers().map().forEach((name, values) -> {
                    assertThat(name.toLowerCase(Locale.ROOT)).as(what)
                            .isNotIn("authorization", "cookie", "user-agent", "x-custom-probe");
                    assertThat(String.join(",", values)).as(what + " header " + name)
                            .doesNotContain(MARKER).doesNotContain(PASSWORD).doesNotContain(authorization.substring(6));
                });
                assertThat(response.body()).as(what).doesNotContain(PASSWORD).doesNotContain(CUSTOMER_EMAIL)
                        .doesNotContainIgnoringCase("<html").doesNotContain("Exception");
                if (call.path().endsWith("/approve") && response.statusCode() == 404) {
                    // the operator's own order key comes back, JSON-encoded by Jackson: nothing else of the request
                    assertThat(json(response.body()).get("orderKey").asText()).endsWith(MARKER);
                } else {
                    assertThat(response.body()).as(what).doesNotContain(MARKER);
                }
            }
        }
    }

    // --- defect 3: the body is bytes whatever its declared content type; no body in the logs -----------------------

    @Test
    void aSignedBodyIsAcceptedWhateverTheContentTypeAndABadSignatureIsRefused401(CapturedOutput output) {
        String[] contentTypes = {"application/x-www-form-urlencoded", "text/plain", "application/xml",
                "multipart/form-data; boundary=----x", "application/x-www-form-urlencoded; charset=no-such-charset",
                null};
        for (String contentType : contentTypes) {
            byte[] body = newOrder();
            long before = broker.added("orderflow.intake.shop");
            Map<String, String> bad = shopifyHeaders("orders/create", uniqueId(), hmacBase64("not-the-secret", body));
            withContentType(bad, contentType);
            HttpResponse<String> refused = send("POST", SHOPIFY, body, bad);
            assertThat(refused.statusCode()).as("bad signature, " + contentType).isEqualTo(401);
            assertThat(refused.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
            assertThat(json(refused.body()).get("error").asText()).isEqualTo("invalid signature");
            assertThat(broker.added("orderflow.intake.shop")).isEqualTo(before);

            Map<String, String> good = shopifyHeaders("orders/create", uniqueId(), hmacBase64(SECRET, body));
            withContentType(good, contentType);
            HttpResponse<String> accepted = send("POST", SHOPIFY, body, good);
            assertThat(accepted.statusCode()).as("signed, " + contentType + ": " + accepted.body()).isEqualTo(200);
            assertThat(json(accepted.body()).get("status").asText()).isEqualTo("accepted");
        }
        // curl -d '{...}' on the replay endpoint: the body is not looked at
        Map<String, String> form = new LinkedHashMap<>(Map.of("Authorization", basic("admin:" + PASSWORD)));
        withContentType(form, "application/x-www-form-urlencoded");
        HttpResponse<String> replay = send("POST", "/admin/review/replay",
                ("{\"email\":\"" + CUSTOMER_EMAIL + "\"}").getBytes(StandardCharsets.UTF_8), form);
        assertThat(replay.statusCode()).isEqualTo(200);
        assertThat(json(replay.body()).has("replayed")).isTrue();
        assertThat(output.getAll()).doesNotContain(CUSTOMER_EMAIL);
    }

    // --- defect 5: the HMAC is over the bytes as received -------------------------------------------------------

    @Test
    void aSignedBodyWithInvalidUtf8IsNeverRefusedAsBadlySigned() {
        byte[] valid = newOrder();
        String text = new String(valid, StandardCharsets.UTF_8);
        int at = text.indexOf("\"#1001") + 2; // inside the order name
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        raw.write(valid, 0, at);
        raw.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xE9});
        raw.write(valid, at, valid.length - at);
        byte[] body = raw.toByteArray();
        byte[] decodedAndReencoded = new String(body, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
        assertThat(decodedAndReencoded).isNotEqualTo(body);

        for (String contentType : new String[] {"application/json", "text/plain; charset=ISO-8859-1", null}) {
            // Signed over what a decoder would make of the bytes: refused, so the check does not see decoded text
            Map<String, String> overDecoded = shopifyHeaders("orders/create", uniqueId(),
                    hmacBase64(SECRET, decodedAndReencoded));
            withContentType(overDecoded, contentType);
            assertThat(send("POST", SHOPIFY, body, overDecoded).statusCode()).isEqualTo(401);

            Map<String, String> overRaw = shopifyHeaders("orders/create", uniqueId(), hmacBase64(SECRET, body));
            withContentType(overRaw, contentType);
            HttpResponse<String> response = send("POST", SHOPIFY, body, overRaw);
            assertThat(response.statusCode()).as(contentType + ": " + response.body()).isIn(200, 400);
        }
    }

    // --- defect 6: a configured channel never answers 404 while its route is not running -----------------------

    @Test
    void aWebhookWhileTheIntakeRouteIsStoppedGets503NeverA404() throws Exception {
        byte[] body = newOrder();
        camel.getRouteController().stopRoute("intake-shop-webhook");
        try {
            long before = broker.added("orderflow.intake.shop");
            HttpResponse<String> response = send("POST", SHOPIFY, body,
                    shopifyHeaders("orders/create", uniqueId(), hmacBase64(SECRET, body)));
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(json(response.body()).get("error").asText()).contains("retry");
            assertThat(broker.added("orderflow.intake.shop")).isEqualTo(before);
        } finally {
            camel.getRouteController().startRoute("intake-shop-webhook");
        }
        assertThat(send("POST", SHOPIFY, body, shopifyHeaders("orders/create", uniqueId(), hmacBase64(SECRET, body)))
                .statusCode()).isEqualTo(200);
    }

    // --- defect 4 and the family: what Tomcat, Spring and platform-http refuse ----------------------------------

    @Test
    void requestsRefusedBeforeOurCodeGetShortJsonWithNoEchoOfThePath() throws IOException {
        String big = "a".repeat(9 * 1024);
        StringBuilder manyHeaders = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            manyHeaders.append("X-H").append(i).append(": v\r\n");
        }
        String host = "Host: localhost\r\n";
        List<String> requests = new ArrayList<>(List.of(
                "GET /webhooks/shop/" + MARKER + "%2f..%2fadmin HTTP/1.1\r\n" + host + "\r\n",
                "GET /webhooks/shop/" + MARKER + "%00 HTTP/1.1\r\n" + host + "\r\n",
                "GET /webhooks/shop/<" + MARKER + "> HTTP/1.1\r\n" + host + "\r\n",
                "GET /webhooks/shop/" + MARKER + ";jsessionid=" + MARKER + " HTTP/1.1\r\n" + host + "\r\n",
                "GET /" + MARKER + ";jsessionid=" + MARKER + " HTTP/1.1\r\n" + host + "\r\n",
                "POST " + SHOPIFY + "?" + MARKER + " HTTP/1.1\r\n" + host + "X-Big: " + big + "\r\n\r\n",
                "POST " + SHOPIFY + "?" + MARKER + " HTTP/1.1\r\n" + host + manyHeaders + "\r\n",
                "POST " + SHOPIFY + "?" + MARKER + " HTTP/1.1\r\n" + host + "Content-Length: -1\r\n\r\n",
                "POST " + SHOPIFY + "?" + MARKER + " HTTP/1.1\r\n" + host + "X-A: a\rb\r\n\r\n",
                "GET " + SHOPIFY + " HTTP/1.1\r\n" + host + "Accept: text/html\r\n\r\n",
                "HEAD " + SHOPIFY + " HTTP/1.1\r\n" + host + "\r\n",
                "PUT " + SHOPIFY + " HTTP/1.1\r\n" + host + "Content-Type: application/x-www-form-urlencoded\r\n"
                        + "Content-Length: 3\r\n\r\na=%",
                "DELETE /admin/queues HTTP/1.1\r\n" + host + "Authorization: " + basic("admin:" + PASSWORD)
                        + "\r\nAccept: text/html\r\n\r\n",
                "GET /admin/" + MARKER + " HTTP/1.1\r\n" + host + "Authorization: " + basic("admin:" + PASSWORD)
                        + "\r\nAccept: text/html\r\n\r\n",
                "GET /" + MARKER + " HTTP/1.1\r\n" + host + "Accept: text/html\r\n\r\n",
                "BREW /admin/queues HTTP/1.1\r\n" + host + "\r\n",
                "TRACE " + SHOPIFY + " HTTP/1.1\r\n" + host + "\r\n",
                "GET /admin/queues HTTP/9.9\r\n" + host + "\r\n",
                "POST " + SHOPIFY + " HTTP/1.1\r\n" + host + "Content-Encoding: gzip\r\nContent-Length: 4\r\n\r\nabcd"));
        for (String request : requests) {
            String answer = rawExchange(request);
            String what = request.substring(0, Math.min(80, request.indexOf('\r') < 0 ? 80 : request.indexOf('\r')))
                    + " -> " + answer.lines().findFirst().orElse("(nothing)");
            if (answer.isEmpty()) {
                continue; // the connection closed without an answer: nothing reflected, nothing to render
            }
            int status = Integer.parseInt(answer.substring(9, 12));
            assertThat(status).as(what).satisfiesAnyOf(s -> assertThat(s).isBetween(400, 499),
                    s -> assertThat(s).isEqualTo(505)); // HTTP/9.9: "version not supported" is the right answer
            assertThat(answer).as(what).doesNotContainIgnoringCase("<html").doesNotContainIgnoringCase("<!doctype")
                    .doesNotContain(MARKER).doesNotContain("jsessionid").doesNotContain("Tomcat")
                    .doesNotContain("Exception");
        }
    }

    private String rawExchange(String request) throws IOException {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                int n;
                while ((n = in.read(buffer)) != -1) {
                    answer.write(buffer, 0, n);
                    String sofar = answer.toString(StandardCharsets.ISO_8859_1);
                    if (complete(sofar)) {
                        break;
                    }
                }
            } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
                // keep what arrived
            }
            return answer.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static boolean complete(String answer) {
        int end = answer.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        String head = answer.substring(0, end).toLowerCase(Locale.ROOT);
        int at = head.indexOf("content-length:");
        if (at >= 0) {
            int length = Integer.parseInt(head.substring(at + 15, head.indexOf('\n', at) < 0 ? head.length()
                    : head.indexOf('\n', at)).trim());
            return answer.length() - end - 4 >= length;
        }
        return head.contains("transfer-encoding: chunked") ? answer.endsWith("0\r\n\r\n") : false;
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    record Call(String method, String path, byte[] body, Map<String, String> headers) {
    }

    private HttpResponse<String> send(String method, String path, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, body.length == 0 && !method.equals("POST") ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach((name, value) -> {
            if (value != null) {
                request.header(name, value);
            }
        });
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void withContentType(Map<String, String> headers, String contentType) {
        headers.remove("Content-Type");
        if (contentType != null) {
            headers.put("Content-Type", contentType);
        }
    }

    private static byte[] newOrder() {
        return withOrderId(fixture("shopify-orders-create.json"), "450789469", Long.toString(IDS.incrementAndGet()));
    }

    private static String uniqueId() {
        return UUID.randomUUID().toString();
    }

    private static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }
}

package io.orderflow.config;

import static io.orderflow.support.Webhooks.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * Issue 12, security: every management path — the whole actuator (as its own discovery page lists it), the admin
 * API and the review API — refuses anonymous callers (401, small JSON, no session cookie) and callers with a wrong
 * password; the read-only viewer may read but not act (403); only {@code /actuator/health} is open, and to an
 * anonymous caller it says UP or DOWN and nothing else. Jolokia (the actuator's, and the Hawtio console's forward to
 * it) is a management path like the others; requests carry the Origin header a browser on the console sends (the
 * origin policy itself, and /hawtio's login page, are HawtioConsoleTest's).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"orderflow.data-dir=target/test-data/mgmt-security-${random.uuid}",
                "spring.artemis.embedded.server-id=48", "orderflow.security.viewer.password=viewer-pass"})
@ActiveProfiles("test")
// Spring Boot's tests turn metrics export (and so /actuator/prometheus) off unless asked: this test needs it as it runs
@org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability(tracing = false)
class ManagementSecurityTest {

    static final String OPERATOR = basic("admin:test-admin-password");
    static final String VIEWER = basic("viewer:viewer-pass");
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @LocalServerPort
    int port;

    /** GET paths (readable by the viewer) and POST paths (the operator's actions). */
    List<String> readPaths() {
        List<String> paths = new ArrayList<>(List.of("/admin/queues", "/admin/orders/test-shopify:1",
                "/api/admin/review/messages", "/api/admin/review/messages?queue=dead-letter",
                "/api/admin/review/messages/ID:none", "/actuator", "/actuator/prometheus", "/actuator/metrics",
                "/actuator/metrics/jvm.memory.used", "/actuator/info", "/actuator/camelroutes"));
        // Whatever else the actuator exposes, as its discovery page says
        JsonNode links = json(send("GET", "/actuator", OPERATOR).body()).get("_links");
        for (Iterator<String> names = links.fieldNames(); names.hasNext(); ) {
            String href = links.get(names.next()).get("href").asText();
            String path = URI.create(href.replace("{", "x").replace("}", "x")).getPath();
            if (!path.startsWith("/actuator/health")) {
                paths.add(path);
            }
        }
        return new ArrayList<>(new TreeSet<>(paths));
    }

    static final List<String> ACTION_PATHS = List.of("/admin/review/replay", "/admin/orders/test-shopify:1/approve",
            "/api/admin/review/replay", "/api/admin/review/messages/ID:none/replay",
            "/api/admin/review/messages/ID:none/discard", "/actuator/loggers/root", "/actuator/camelroutes/x/stop");

    static final List<String> ABSENT_CONSOLES = List.of("/actuator/jolokia", "/hawtio/jolokia", "/jolokia", "/actuator/hawtio",
            "/actuator/env", "/actuator/heapdump", "/actuator/threaddump", "/actuator/shutdown", "/actuator/beans");

    @Test
    void anonymousAndWrongCredentialsAreRefusedOnEveryManagementPath() {
        List<String> paths = readPaths();
        assertThat(paths).contains("/actuator/prometheus", "/actuator/camelroutes");
        for (String path : paths) {
            refused(path, "GET");
        }
        for (String path : ACTION_PATHS) {
            refused(path, "POST");
        }
        for (String path : ABSENT_CONSOLES) {
            refused(path, "GET");
        }
    }

    private void refused(String path, String method) {
        for (String authorization : new String[] {null, basic("admin:wrong"), basic("nobody:test-admin-password"),
                "Bearer x"}) {
            HttpResponse<String> response = send(method, path, authorization);
            String what = method + " " + path + " as " + authorization;
            assertThat(response.statusCode()).as(what).isEqualTo(401);
            assertThat(response.headers().firstValue("Set-Cookie")).as(what + ": no session").isEmpty();
            assertThat(response.body()).as(what).doesNotContainIgnoringCase("<html").doesNotContain("Exception");
            assertThat(response.body().length()).as(what).isLessThan(200);
        }
    }

    @Test
    void theViewerReadsButDoesNotActAndTheOperatorDoesBoth() {
        for (String path : readPaths()) {
            HttpResponse<String> viewer = send("GET", path, VIEWER);
            assertThat(viewer.statusCode()).as("viewer GET " + path).isNotIn(401, 403).isLessThan(500);
        }
        assertThat(send("GET", "/actuator/prometheus", VIEWER).body()).contains("jvm_memory_used_bytes");
        for (String path : ACTION_PATHS) {
            HttpResponse<String> viewer = send("POST", path, VIEWER);
            assertThat(viewer.statusCode()).as("viewer POST " + path).isEqualTo(403);
            assertThat(viewer.headers().firstValue("Set-Cookie")).as("viewer POST " + path).isEmpty();
            HttpResponse<String> operator = send("POST", path, OPERATOR);
            assertThat(operator.statusCode()).as("operator POST " + path).isNotIn(401, 403).isLessThan(500);
        }
    }

    @Test
    void healthIsOpenAndSaysOnlyUpOrDown() {
        for (String path : new String[] {"/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness"}) {
            HttpResponse<String> health = send("GET", path, null);
            if (!path.equals("/actuator/health") && health.statusCode() == 404) {
                continue; // probe groups exist only where Kubernetes probes are enabled
            }
            assertThat(health.statusCode()).as(path).isIn(200, 503);
            JsonNode body = json(health.body());
            List<String> fields = new ArrayList<>();
            body.fieldNames().forEachRemaining(fields::add);
            assertThat(fields).as(path + ": " + health.body()).containsExactly("status");
            assertThat(body.get("status").asText()).isIn("UP", "DOWN", "OUT_OF_SERVICE");
        }
        for (String component : new String[] {"/actuator/health/diskSpace", "/actuator/health/jms", "/actuator/health/ping",
                "/actuator/health/camelHealth"}) {
            HttpResponse<String> response = send("GET", component, null);
            assertThat(response.statusCode()).as(component).isIn(401, 404);
            assertThat(response.body()).as(component).doesNotContain("details").doesNotContain("total")
                    .doesNotContain("free");
        }
    }

    private HttpResponse<String> send(String method, String path, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{}")
                        : HttpRequest.BodyPublishers.noBody());
        if (method.equals("POST")) {
            request.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        request.header("Origin", "http://localhost:" + port);
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }
}

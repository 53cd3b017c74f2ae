package io.orderflow.broker;

import static io.orderflow.support.Webhooks.fixture;
import static io.orderflow.support.Webhooks.hmacBase64;
import static io.orderflow.support.Webhooks.json;
import static io.orderflow.support.Webhooks.post;
import static io.orderflow.support.Webhooks.shopifyHeaders;
import static io.orderflow.support.Webhooks.withOrderId;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Invariants 1 and 2 under a crash: the connector runs as its own process and is killed with SIGKILL right after
 * answering a burst of webhooks, some of them mid-normalisation. After a restart on the same data directory every
 * accepted webhook is on the order-events queue exactly once, and the same deliveries sent again add nothing.
 */
class CrashRecoveryTest {

    static final int ORDERS = 20;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    @TempDir
    Path dataDir;
    Process connector;
    int starts;

    @Test
    void everyAcceptedWebhookSurvivesAKillMinus9ExactlyOnce() throws Exception {
        int port = freePort();
        List<byte[]> bodies = new ArrayList<>();
        List<Map<String, String>> headers = new ArrayList<>();
        for (int i = 0; i < ORDERS; i++) {
            byte[] body = withOrderId(fixture("shopify-orders-create.json"), "450789469", String.valueOf(900_000 + i));
            bodies.add(body);
            headers.add(shopifyHeaders("orders/create", "crash-" + i, hmacBase64("shpss_test_client_secret", body)));
        }

        connector = start(port);
        for (int i = 0; i < ORDERS; i++) {
            assertThat(post(port, "/webhooks/shop/test-shopify", bodies.get(i), headers.get(i)).statusCode()).isEqualTo(200);
        }
        connector.destroyForcibly().waitFor();   // SIGKILL: no shutdown hook, no orderly broker stop

        connector = start(port);
        JsonNode queues = awaitDrained(port);
        // Every order reached the payment gate once: one state each, one re-check scheduled each (they are only
        // authorized, so they wait), none released, none parked.
        assertThat(queues.at("/queues/orderflow.gate.state/waiting").asLong()).isEqualTo(ORDERS);
        assertThat(queues.at("/queues/orderflow.order.events/scheduled").asLong()).isEqualTo(ORDERS);
        assertThat(queues.at("/queues/orderflow.release/waiting").asLong()).isZero();
        assertThat(queues.at("/queues/orderflow.review/waiting").asLong()).isZero();
        assertThat(queues.at("/queues/orderflow.dead-letter/waiting").asLong()).isZero();
        for (int i = 0; i < ORDERS; i++) {
            assertThat(get(port, "/admin/orders/test-shopify:" + (900_000 + i)).statusCode()).as("order " + i).isEqualTo(200);
        }

        // (messages reloaded from the journal at start count as added, so compare before and after)
        long intakeAdded = queues.at("/queues/orderflow.intake.shop/addedSinceStart").asLong();
        for (int i = 0; i < ORDERS; i++) {
            assertThat(post(port, "/webhooks/shop/test-shopify", bodies.get(i), headers.get(i)).statusCode()).isEqualTo(200);
        }
        queues = awaitDrained(port);
        assertThat(queues.at("/queues/orderflow.intake.shop/addedSinceStart").asLong()).isEqualTo(intakeAdded);
        assertThat(queues.at("/queues/orderflow.gate.state/waiting").asLong()).isEqualTo(ORDERS);
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (connector != null && connector.isAlive()) {
            connector.destroy();
            connector.waitFor();
        }
    }

    private Process start(int port) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "io.orderflow.OrderflowApplication", "--spring.profiles.active=test", "--server.port=" + port,
                "--orderflow.data-dir=" + dataDir, "--logging.level.root=WARN",
                "--orderflow.gate.recheck-interval=1h")
                .redirectErrorStream(true)
                .redirectOutput(dataDir.resolve("connector-" + (++starts) + ".log").toFile())
                .start();
        long deadline = System.currentTimeMillis() + 90_000;
        while (System.currentTimeMillis() < deadline) {
            assertThat(process.isAlive()).as("connector process (log in " + dataDir + ")").isTrue();
            try {
                if (get(port, "/actuator/health").statusCode() == 200) {
                    return process;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("connector did not become healthy in 90 s");
    }

    private JsonNode awaitDrained(int port) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        JsonNode queues;
        do {
            Thread.sleep(200);
            queues = json(get(port, "/admin/queues").body());
        } while ((queues.at("/queues/orderflow.intake.shop/waiting").asLong() > 0
                || queues.at("/queues/orderflow.intake.shop/inDelivery").asLong() > 0
                || queues.at("/queues/orderflow.order.events/waiting").asLong() > 0
                || queues.at("/queues/orderflow.order.events/inDelivery").asLong() > 0)
                && System.currentTimeMillis() < deadline);
        return queues;
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString("admin:test-admin-password".getBytes(StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

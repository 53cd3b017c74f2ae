package io.orderflow.ops;

import static io.orderflow.support.Webhooks.fixture;
import static io.orderflow.support.Webhooks.post;
import static io.orderflow.support.Webhooks.shopifyHeaders;
import static io.orderflow.support.Webhooks.vector;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * JSON logs for a log aggregator, switched on the way an operator does it: the packaged jar started with the
 * environment variable LOGGING_STRUCTURED_FORMAT_CONSOLE=logstash. Every line on the console is then one JSON event,
 * and the line a stage writes while it handles an order carries that order's key, its channel and the route
 * (camel-mdc); the customer's e-mail address in the webhook appears in no line. Its own process, because logging is
 * set up once per JVM (a test context would leave JSON logging behind for the contexts after it).
 */
class StructuredLogsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private Process connector;

    @Test
    void aStageLineIsOneJsonEventWithTheOrderKeyChannelAndRoute() throws Exception {
        Path jar = Path.of("target/orderflow.jar");
        assertThat(jar).as("the packaged jar (mvn package runs before the integration tests)").exists();
        Path dir = Files.createDirectories(Path.of("target/it/structured-logs-" + UUID.randomUUID()));
        Path out = dir.resolve("console.out");
        int port = freePort();
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(),
                "--spring.profiles.active=test", "--spring.config.additional-location=optional:file:src/test/resources/",
                "--server.port=" + port, "--orderflow.data-dir=" + dir.resolve("data"))
                .redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().put("LOGGING_STRUCTURED_FORMAT_CONSOLE", "logstash");
        connector = builder.start();
        awaitHealthy(port);

        var response = post(port, "/webhooks/shop/test-shopify", fixture("shopify-orders-create.json"),
                shopifyHeaders("orders/create", UUID.randomUUID().toString(),
                        vector("shopify-orders-create.json").get("value").asText()));
        assertThat(response.statusCode()).isEqualTo(200);

        JsonNode normalised = Awaitility.await().atMost(Duration.ofSeconds(30)).until(
                () -> events(out).stream().filter(e -> e.path("message").asText().contains("normalised from"))
                        .findFirst().orElse(null),
                e -> e != null);
        assertThat(normalised.path("orderKey").asText()).isEqualTo("test-shopify:450789469");
        assertThat(normalised.path("orderflowChannel").asText()).isEqualTo("test-shopify");
        assertThat(normalised.path("camel.routeId").asText()).isEqualTo("normalise-shop-order");
        assertThat(normalised.path("level").asText()).isEqualTo("INFO");
        List<String> lines = Files.readAllLines(out);
        assertThat(lines.stream().filter(l -> l.startsWith("{"))).hasSizeGreaterThan(20);
        assertThat(String.join("\n", lines)).doesNotContain("bob.norman@hostmail.com");
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (connector != null) {
            connector.destroy();
            if (!connector.waitFor(30, TimeUnit.SECONDS)) {
                connector.destroyForcibly();
            }
        }
    }

    /** The console's JSON events (what is printed before logging is set up is not JSON). */
    private static List<JsonNode> events(Path out) throws IOException {
        return Files.readAllLines(out).stream().filter(l -> l.startsWith("{")).map(l -> {
            try {
                return JSON.readTree(l);
            } catch (IOException e) {
                throw new AssertionError("a log line that is not one JSON event: " + l, e);
            }
        }).toList();
    }

    private void awaitHealthy(int port) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            assertThat(connector.isAlive()).as("connector process").isTrue();
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                        .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("connector not healthy within 120 s");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

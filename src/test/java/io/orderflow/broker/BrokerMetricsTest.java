package io.orderflow.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.context.ActiveProfiles;

/**
 * Queue depth per stage for Prometheus and Grafana: an order waiting on orderflow.release (no ERP configured here, so
 * the ERP stage does not run) shows as artemis_message_count{queue="orderflow.release"} 1 at /actuator/prometheus,
 * which needs the read-only or operator account.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"orderflow.data-dir=target/test-data/broker-metrics-${random.uuid}",
                "spring.artemis.embedded.server-id=43"})
@ActiveProfiles("test")
// Spring Boot tests run without metrics export unless asked: this one reads the Prometheus scrape.
@org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability
class BrokerMetricsTest {

    @LocalServerPort
    int port;
    @Autowired
    JmsTemplate jms;

    @Test
    void anOrderWaitingAtAStageIsItsQueueDepthInPrometheus() throws Exception {
        jms.send("orderflow.release", session -> {
            var message = session.createTextMessage("{\"orderKey\":\"test-shopify:1\"}");
            message.setStringProperty("orderKey", "test-shopify:1");
            return message;
        });

        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> scrape().lines()
                .anyMatch(l -> l.startsWith("artemis_message_count{") && l.contains("queue=\"orderflow.release\"")
                        && l.endsWith(" 1.0")));
        assertThat(scrape()).contains("artemis_consumer_count{").contains("queue=\"orderflow.order.events\"");
        HttpResponse<String> anonymous = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/actuator/prometheus")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
    }

    private String scrape() throws Exception {
        String basic = "Basic " + Base64.getEncoder().encodeToString("admin:test-admin-password".getBytes());
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/prometheus"))
                .header("Authorization", basic).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}

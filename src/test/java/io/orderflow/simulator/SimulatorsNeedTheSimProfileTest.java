package io.orderflow.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

/**
 * The simulators can never be active without the sim profile: even with orderflow.simulator.enabled=true and no
 * profile, no simulator bean exists and /sim/** answers 404.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "orderflow.simulator.enabled=true", "orderflow.data-dir=target/test-data/no-sim-${random.uuid}",
        "spring.artemis.embedded.server-id=19"})
class SimulatorsNeedTheSimProfileTest {

    @Autowired
    ApplicationContext context;
    @LocalServerPort
    int port;

    @Test
    void noSimulatorBeanExistsWithoutTheSimProfile() {
        assertThat(context.getEnvironment().getActiveProfiles()).doesNotContain(Simulators.PROFILE);
        for (Class<?> simulator : new Class<?>[] {SimulatedShop.class, SimulatedShopController.class,
                SimulatedPaymentGateway.class, SimulatedErpNext.class, SimulatedOutbox.class}) {
            assertThat(context.getBeanNamesForType(simulator)).as(simulator.getSimpleName()).isEmpty();
        }
        assertThat(context.getBeansWithAnnotation(org.springframework.web.bind.annotation.RestController.class).values())
                .noneMatch(bean -> bean.getClass().getPackageName().startsWith("io.orderflow.simulator"));
    }

    @Test
    void simPathsAnswer404WithoutTheSimProfile() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String path : new String[] {"/sim/shop/test-shopify/orders", "/sim/erpnext/stock",
                "/sim/payment/stripe/payments", "/sim/outbox", "/sim/shopify/test-shopify/admin/api/2025-10/graphql.json"}) {
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).as("POST " + path).isEqualTo(404);
            HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(get.statusCode()).as("GET " + path).isEqualTo(404);
        }
    }
}

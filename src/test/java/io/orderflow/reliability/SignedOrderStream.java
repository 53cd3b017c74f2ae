package io.orderflow.reliability;

import static io.orderflow.support.Webhooks.fixture;
import static io.orderflow.support.Webhooks.hmacBase64;
import static io.orderflow.support.Webhooks.shopifyHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.function.Supplier;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The webhook stream of the process suites (CrashSuiteIT, ScaleOutSuiteIT): signed Shopify orders of 597.00 USD on
 * channel {@code test-shopify} (the secrets of application-test.yml) in three shapes, each carrying planted customer
 * data (e-mail, phone, street) for the log scan, and the sending of one delivery the way a shop does: again and
 * again until it is answered 2xx, never again after that.
 */
final class SignedOrderStream {

    static final String SHOPIFY_SECRET = "shpss_test_client_secret";
    static final String STRIPE_SECRET = "whsec_test_secret_for_fixtures";
    static final String CHANNEL_PATH = "/webhooks/shop/test-shopify";
    static final ObjectMapper JSON = new ObjectMapper();

    /** One webhook as the shop or gateway would send (and re-send) it; headers built at each send (Stripe's t=). */
    record Delivery(String orderKey, String path, byte[] body, Supplier<Map<String, String>> headers,
            boolean afterOrderKnown) {
    }

    private final String eventPrefix;
    private final String email;
    private final String phone;
    private final String street;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    /** eventPrefix names the suite in webhook and Stripe event ids ({@code crash-<id>}, {@code evt_crash<id>}). */
    SignedOrderStream(String eventPrefix, String email, String phone, String street) {
        this.eventPrefix = eventPrefix;
        this.email = email;
        this.phone = phone;
        this.street = street;
    }

    /** Kind 0: paid at once; 1: authorized, then a Stripe payment; 2: authorized, then Shopify's orders/paid. */
    List<Delivery> order(long id, int kind) throws IOException {
        String key = "test-shopify:" + id;
        List<Delivery> deliveries = new ArrayList<>();
        byte[] created = shopifyOrder(id, kind == 0 ? "paid" : "authorized", "2026-11-29T10:00:00Z");
        String event = eventPrefix + "-" + id;
        deliveries.add(new Delivery(key, CHANNEL_PATH, created,
                () -> shopifyHeaders("orders/create", event, hmacBase64(SHOPIFY_SECRET, created)), false));
        if (kind == 1) {
            byte[] payment = stripePayment(id);
            deliveries.add(new Delivery(key, "/webhooks/payment/stripe", payment, () -> Map.of("Content-Type",
                    "application/json", "Stripe-Signature", stripeSignature(payment)), true));
        } else if (kind == 2) {
            byte[] paid = shopifyOrder(id, "paid", "2026-11-29T10:05:00Z");
            deliveries.add(new Delivery(key, CHANNEL_PATH, paid,
                    () -> shopifyHeaders("orders/paid", event + "-paid", hmacBase64(SHOPIFY_SECRET, paid)), false));
        }
        return deliveries;
    }

    /**
     * Sends until answered 2xx, as a shop retries; bounded (5 min). {@code port} is asked before every attempt: one
     * connector, or the next of several behind a load balancer. A Stripe payment waits until the gate knows its order
     * ({@code GET /admin/orders/{key}} 200), to keep most payments behind their orders; one that still overtakes its
     * order waits in the gate for the order's webhook (these suites' channel has no shop API; docs/reliability.md).
     */
    void deliver(Delivery delivery, IntSupplier port, String adminPassword, AtomicInteger resent)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5 * 60_000;
        while (delivery.afterOrderKnown() && System.currentTimeMillis() < deadline) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.getAsInt() + "/admin/orders/"
                        + delivery.orderKey())).header("Authorization", ConnectorProcess.basic(adminPassword))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    break;
                }
            } catch (IOException down) {
                // restarting
            }
            Thread.sleep(200);
        }
        boolean first = true;
        while (System.currentTimeMillis() < deadline) {
            if (!first) {
                resent.incrementAndGet();
            }
            first = false;
            try {
                HttpResponse<String> response = send(delivery, port.getAsInt());
                if (response.statusCode() / 100 == 2) {
                    return;
                }
                assertThat(response.statusCode()).as("only 'retry later' while restarting: " + response.body())
                        .isIn(503);
            } catch (IOException noAnswer) {
                // connection refused or reset: the connector is down; the shop sends it again later
            }
            Thread.sleep(250);
        }
        throw new AssertionError("delivery for " + delivery.orderKey() + " never accepted");
    }

    /** One attempt of a delivery (fresh headers), on the connector at that port. */
    HttpResponse<String> send(Delivery delivery, int port) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + delivery.path()))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofByteArray(delivery.body()));
        delivery.headers().get().forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private byte[] shopifyOrder(long id, String financialStatus, String updatedAt) throws IOException {
        ObjectNode order = (ObjectNode) JSON.readTree(fixture("shopify-orders-create.json"));
        order.put("id", id).put("name", "#C" + id).put("order_number", id).put("financial_status", financialStatus)
                .put("updated_at", updatedAt).put("email", email).put("phone", phone)
                .put("subtotal_price", "597.00").put("total_line_items_price", "597.00").put("total_tax", "0.00")
                .put("total_price", "597.00").put("total_price_usd", "597.00").put("total_discounts", "0.00");
        order.set("tax_lines", JSON.createArrayNode());
        for (JsonNode line : order.withArray("line_items")) {
            ((ObjectNode) line).set("tax_lines", JSON.createArrayNode());
        }
        for (String address : new String[] {"billing_address", "shipping_address"}) {
            ((ObjectNode) order.get(address)).put("address1", street).put("phone", phone);
        }
        ObjectNode customer = (ObjectNode) order.get("customer");
        customer.put("email", email).put("phone", phone);
        if (customer.get("default_address") instanceof ObjectNode address) {
            address.put("address1", street).put("phone", phone);
        }
        return JSON.writeValueAsBytes(order);
    }

    private byte[] stripePayment(long orderId) {
        return new String(fixture("stripe-payment_intent.succeeded.with-order-metadata.json"), StandardCharsets.UTF_8)
                .replace("\"order_id\": \"450789469\"", "\"order_id\": \"" + orderId + "\"")
                .replace("\"amount\": 2000", "\"amount\": 59700")
                .replace("\"amount_received\": 2000", "\"amount_received\": 59700")
                .replace("evt_000000000000000000000000", "evt_" + eventPrefix + orderId)
                .replace("pi_000000000000000000000000", "pi_" + eventPrefix + orderId)
                .getBytes(StandardCharsets.UTF_8);
    }

    static String stripeSignature(byte[] body) {
        return io.orderflow.support.Webhooks.stripeSignature(STRIPE_SECRET, body);
    }
}

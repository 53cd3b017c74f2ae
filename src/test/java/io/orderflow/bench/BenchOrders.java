package io.orderflow.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderflow.intake.HmacSignatures;

/**
 * The benchmark's orders, built the same way in the driver (webhooks) and in the stub shop API (GET order), from the
 * simulator's WooCommerce order (src/sim/resources/simulator/woocommerce-order.json: SKU-1 x 2, SKU-2 x 1, 19 % VAT,
 * shipping, 59.98 EUR, ~3.3 KB): order id = number = the order's index, a customer of its own (e-mail and phone), and
 * the Stripe payment_intent.succeeded event for it (~1.1 KB), both signed as WooCommerce and Stripe sign them.
 */
public final class BenchOrders {

    public static final String CHANNEL = "bench-woo";
    public static final String WOO_SECRET = "bench-woo-secret";
    public static final String STRIPE_PROVIDER = "stripe";
    public static final String STRIPE_SECRET = "whsec_bench_secret";
    public static final String WMS_ID = "bench-wms";
    public static final String WMS_SECRET = "bench-wms-secret";
    public static final long FIRST_ID = 7_000_000L;
    static final ObjectMapper JSON = new ObjectMapper();
    private static final String TEMPLATE;

    static {
        try {
            TEMPLATE = Files.readString(Path.of("src/sim/resources/simulator/woocommerce-order.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private BenchOrders() {
    }

    /** The WooCommerce order JSON of order {@code id}, status pending (paid by the Stripe event). */
    public static String wooOrder(long id) {
        try {
            ObjectNode order = (ObjectNode) JSON.readTree(TEMPLATE);
            String gmt = "2026-11-27T10:00:00";
            order.put("id", id).put("number", String.valueOf(id)).put("order_key", "wc_order_bench" + id)
                    .put("date_created", gmt).put("date_created_gmt", gmt).put("date_modified", gmt)
                    .put("date_modified_gmt", gmt).put("status", "pending").put("customer_id", 0);
            ObjectNode billing = (ObjectNode) order.path("billing");
            billing.put("email", "customer" + id + "@bench.example.com")
                    .put("phone", String.format("+4915%09d", id % 1_000_000_000L))
                    .put("last_name", "Bench" + id);
            ObjectNode shipping = (ObjectNode) order.path("shipping");
            shipping.put("last_name", "Bench" + id);
            return JSON.writeValueAsString(order);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Stripe event paying order {@code id} in full (59.98 EUR). */
    public static String stripeSucceeded(long id) {
        long created = 1_795_000_000L + id % 1000;
        return "{\"id\":\"evt_bench_" + id + "\",\"object\":\"event\",\"api_version\":\"2024-06-20\",\"created\":" + created
                + ",\"data\":{\"object\":{\"id\":\"pi_bench_" + id + "\",\"object\":\"payment_intent\",\"amount\":5998,"
                + "\"amount_capturable\":0,\"amount_received\":5998,\"capture_method\":\"automatic\",\"confirmation_method\":"
                + "\"automatic\",\"created\":" + created + ",\"currency\":\"eur\",\"customer\":null,\"description\":\"Order "
                + id + "\",\"last_payment_error\":null,\"latest_charge\":\"ch_bench_" + id + "\",\"livemode\":false,"
                + "\"metadata\":{\"order_id\":\"" + id + "\",\"channel\":\"" + CHANNEL + "\"},\"payment_method\":\"pm_bench_"
                + id + "\",\"payment_method_types\":[\"card\"],\"receipt_email\":\"customer" + id + "@bench.example.com\","
                + "\"status\":\"succeeded\"}},\"livemode\":false,\"pending_webhooks\":1,\"request\":{\"id\":\"req_bench_"
                + id + "\",\"idempotency_key\":null},\"type\":\"payment_intent.succeeded\"}";
    }

    /** Headers of the WooCommerce order.created delivery of {@code body}. */
    public static Map<String, String> wooHeaders(long id, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("User-Agent", "WooCommerce/8.6.1 Hookshot (WordPress/6.4.3)");
        headers.put("X-WC-Webhook-Source", "https://bench-shop.example.com/");
        headers.put("X-WC-Webhook-Topic", "order.created");
        headers.put("X-WC-Webhook-Resource", "order");
        headers.put("X-WC-Webhook-Event", "created");
        headers.put("X-WC-Webhook-ID", "42");
        headers.put("X-WC-Webhook-Delivery-ID", "bench-delivery-" + id);
        headers.put("X-WC-Webhook-Signature",
                Base64.getEncoder().encodeToString(HmacSignatures.hmacSha256(WOO_SECRET, body)));
        return headers;
    }

    /** Headers of the Stripe delivery of {@code body}, signed now. */
    public static Map<String, String> stripeHeaders(byte[] body) {
        long now = System.currentTimeMillis() / 1000;
        byte[] signed = (now + "." + new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json; charset=utf-8");
        headers.put("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)");
        headers.put("Stripe-Signature", "t=" + now + ",v1=" + HexFormat.of().formatHex(
                HmacSignatures.hmacSha256(STRIPE_SECRET, signed)));
        return headers;
    }
}

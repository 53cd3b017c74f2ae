package io.orderflow.reliability;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.orderflow.support.Webhooks.fixture;
import static io.orderflow.support.Webhooks.hmacBase64;
import static io.orderflow.support.Webhooks.post;
import static io.orderflow.support.Webhooks.shopifyHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderflow.http.CircuitBreakerRoutePolicy;
import io.orderflow.support.Broker;
import jakarta.mail.internet.MimeMessage;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Issue 12, suite 2 (outage), the stages after the ERP: the WMS (fulfilment stage), the SMTP server and Twilio (notify
 * stage), each unavailable for a while in three ways while paid Shopify orders flow end to end (webhook -> gate ->
 * ERPNext -> WMS + order-confirmed mail and SMS): answering "unavailable" (HTTP 503; SMTP 421), slower than the
 * connector's timeout (the WMS and Twilio do the work and answer too late; the SMTP server never greets), not there
 * (connection refused: the server is stopped), then back on the same port.
 *
 * <p>Asserted per outage: nothing reaches orderflow.dead-letter or orderflow.review (the outage is shorter than the
 * retry budget: 10 attempts, back-off 0.2 s doubling to 4 s, about 22 s per message; the fulfilment stage's circuit
 * breaker keeps its orders on the broker instead of spending attempts); the WMS circuit (CircuitBreakerRoutePolicy,
 * gauge orderflow.circuit.state{system="WMS main"}) opens and closes again (the notify stage has none); while SMTP is
 * down, every order still reaches ERPNext and the WMS; after recovery every order has exactly one ERPNext sales order,
 * one WMS fulfilment order (WmsFulfilmentState: created per Idempotency-Key), one order-confirmed mail (GreenMail,
 * over every GreenMail instance) and its SMS (Twilio's journal, 201 answers). An SMS that Twilio accepted after the
 * connector had given up on it (the slow phase) is sent again on redelivery - Twilio takes no idempotency key - and
 * is counted and reported as such: at most one extra per slow acceptance, never one otherwise.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"orderflow.data-dir=target/test-data/outage-wms-notify-${random.uuid}",
                "spring.artemis.embedded.server-id=310",
                "orderflow.erp.kind=erpnext", "orderflow.erp.erpnext.api-key=erp-key",
                "orderflow.erp.erpnext.api-secret=erp-secret", "orderflow.erp.erpnext.company=Demo Shop Ltd",
                "orderflow.erp.erpnext.warehouse=Stores - DS", "orderflow.erp.charges.shipping-account=Freight - DS",
                "orderflow.wms.kind=rest", "orderflow.wms.id=main", "orderflow.wms.api-key=wms-test-token",
                "orderflow.wms.webhook-secrets[0]=wms-test-secret", "orderflow.wms.max-requests-per-minute=6000",
                "orderflow.wms.timeout=1s", "orderflow.wms.circuit-failure-threshold=3",
                "orderflow.wms.circuit-failure-window=1m", "orderflow.wms.circuit-half-open-after=3s",
                "orderflow.writeback.shop=false", "orderflow.writeback.erp=false",
                "orderflow.notifications.shop-name=Demo Shop", "orderflow.notifications.email.host=127.0.0.1",
                "orderflow.notifications.email.start-tls=false", "orderflow.notifications.email.timeout=1s",
                "orderflow.notifications.email.from=Demo Shop <orders@demo-shop.example>",
                "orderflow.notifications.events.order-confirmed=email,sms",
                "orderflow.notifications.sms.twilio.account-sid=ACtest0000000000000000000000000000",
                "orderflow.notifications.sms.twilio.auth-token=twilio-test-token",
                "orderflow.notifications.sms.twilio.from=+15005550006", "orderflow.notifications.sms.twilio.timeout=1s",
                // the production default attempt count; back-off scaled down: 0.2 s doubling to 4 s (about 22 s)
                "orderflow.broker.max-delivery-attempts=10", "orderflow.broker.redelivery-delay-ms=200",
                "orderflow.broker.max-redelivery-delay-ms=4000"})
@ActiveProfiles("test")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FulfilmentAndNotifyOutageSuiteTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String ACCOUNT = "ACtest0000000000000000000000000000";
    static final String MESSAGES = "/2010-04-01/Accounts/" + ACCOUNT + "/Messages.json";
    static final String FULFILMENT_ORDERS = "/api/v1/fulfilment-orders";
    static final long PHASE_MS = 4000;
    static final long FIRST = 7_000_000 + System.currentTimeMillis() / 1000 % 100_000 * 100;
    static final int WMS_PORT = RestartablePorts.free();
    static final int SMTP_PORT = RestartablePorts.free();
    static final int TWILIO_PORT = RestartablePorts.free();
    static final WmsFulfilmentState WMS_STATE = new WmsFulfilmentState();
    static final WireMockServer ERP = new WireMockServer(WireMockConfiguration.options().dynamicPort()
            .extensions(new ErpNextState(Map.of("test-shopify-", new BigDecimal("597.00")))));
    static WireMockServer wms = wmsUp();
    static WireMockServer twilio = twilioUp();
    static GreenMail smtp = smtpUp();
    /** Mails and accepted SMS of the server instances stopped so far (a restarted server starts empty). */
    static final List<String> EARLIER_SUBJECTS = new CopyOnWriteArrayList<>();
    static final List<String> EARLIER_SMS = new CopyOnWriteArrayList<>();
    static final List<String> EARLIER_SMS_TOO_LATE = new CopyOnWriteArrayList<>();
    static final AtomicInteger NEXT_BLOCK = new AtomicInteger();

    static {
        ERP.start();
        ERP.stubFor(any(urlPathMatching("/api/resource/Sales%20Order.*")).willReturn(aResponse()
                .withTransformers(ErpNextState.NAME)));
        ERP.stubFor(get(urlPathEqualTo("/api/resource/Customer")).willReturn(data("[{\"name\":\"Bob Norman\"}]")));
        ERP.stubFor(get(urlPathEqualTo("/api/resource/Item")).willReturn(data(
                "[{\"item_code\":\"IPOD2008GREEN\"},{\"item_code\":\"IPOD2008RED\"},{\"item_code\":\"IPOD2008BLACK\"}]")));
        ERP.stubFor(get(urlPathEqualTo("/api/resource/Bin")).willReturn(data(
                "[{\"item_code\":\"IPOD2008GREEN\",\"actual_qty\":100000,\"reserved_qty\":0},"
                        + "{\"item_code\":\"IPOD2008RED\",\"actual_qty\":100000,\"reserved_qty\":0},"
                        + "{\"item_code\":\"IPOD2008BLACK\",\"actual_qty\":100000,\"reserved_qty\":0}]")));
    }

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
        registry.add("orderflow.erp.url", ERP::baseUrl);
        registry.add("orderflow.wms.url", () -> "http://127.0.0.1:" + WMS_PORT + "/api/v1");
        registry.add("orderflow.notifications.email.port", () -> SMTP_PORT);
        registry.add("orderflow.notifications.sms.twilio.base-url", () -> "http://127.0.0.1:" + TWILIO_PORT);
    }

    @AfterAll
    static void stop() {
        ERP.stop();
        wms.stop();
        twilio.stop();
        smtp.stop();
    }

    @LocalServerPort
    int port;
    @Autowired
    EmbeddedActiveMQ embedded;
    @Autowired
    MeterRegistry meters;
    @Autowired
    @Qualifier("wmsCircuitBreaker")
    CircuitBreakerRoutePolicy wmsCircuitBreaker;
    /** Each test's orders in their own block of 20 ids (JUnit makes one instance per test). */
    final int block = NEXT_BLOCK.getAndIncrement();

    @Test
    @Order(1)
    void aWmsOutageOf503sTimeoutsAndRefusalsParksNothingOpensTheCircuitAndDrainsOnce() throws Exception {
        Broker broker = new Broker(embedded);
        long deadBefore = broker.added("orderflow.dead-letter");
        long reviewBefore = broker.added("orderflow.review");
        Set<String> states = new LinkedHashSet<>();
        Thread sampler = sample(states, () -> wmsCircuitBreaker.getStateAsString() + "/gauge " + (int) gauge("WMS main"));
        List<Long> orders = new ArrayList<>();
        int slowAcceptedBefore = WMS_STATE.createdTotal();
        try {
            // 1. 503
            var down = wms.stubFor(post(urlEqualTo(FULFILMENT_ORDERS)).atPriority(1).willReturn(aResponse().withStatus(503)
                    .withHeader("Content-Type", "application/json").withBody("{\"error\":\"maintenance\"}")));
            postOrders(orders, 3);
            Thread.sleep(PHASE_MS);
            // 2. slower than orderflow.wms.timeout (1 s): the WMS creates the order and answers after 2.5 s
            wms.removeStub(down);
            WMS_STATE.slowMs = 2500;
            postOrders(orders, 2);
            Thread.sleep(PHASE_MS);
            int createdWhileSlow = WMS_STATE.createdTotal() - slowAcceptedBefore;
            // 3. not there: connection refused
            wms.stop();
            WMS_STATE.slowMs = 0;
            postOrders(orders, 2);
            Thread.sleep(PHASE_MS);
            long deadDuringOutage = broker.added("orderflow.dead-letter") - deadBefore;
            long reviewDuringOutage = broker.added("orderflow.review") - reviewBefore;
            // 4. back on the same port
            wms = wmsUp();
            Counts counts = awaitEffects(orders);
            sampler.interrupt();

            System.out.println("OUTAGE SUITE FIGURES (WMS) orders=" + orders.size() + " phases=503,slow(" + createdWhileSlow
                    + " created while slow),refused circuitStates=" + states + " deadLettered="
                    + (broker.added("orderflow.dead-letter") - deadBefore) + " review="
                    + (broker.added("orderflow.review") - reviewBefore) + " " + counts);
            assertThat(deadDuringOutage).as("dead-lettered during the WMS outage").isZero();
            assertThat(reviewDuringOutage).as("parked for review during the WMS outage").isZero();
            counts.assertExactlyOnce(false);
            assertThat(broker.added("orderflow.dead-letter") - deadBefore).isZero();
            assertThat(broker.added("orderflow.review") - reviewBefore).isZero();
            assertThat(states).as("the WMS circuit opened").anyMatch(s -> s.startsWith("opened/gauge 2"));
            assertThat(states).as("and closed").anyMatch(s -> s.startsWith("closed/gauge 0"));
            assertThat(wmsCircuitBreaker.getStateAsString()).as("closed at the end").isEqualTo("closed");
            assertThat(gauge("WMS main")).isZero();
        } finally {
            sampler.interrupt();
            WMS_STATE.slowMs = 0;
            if (!wms.isRunning()) {
                wms = wmsUp();
            }
        }
    }

    @Test
    @Order(2)
    void anSmtpOutageOf421sSilenceAndRefusalsDoesNotHoldOrdersBackAndEveryMailGoesOnceAfterwards() throws Exception {
        Broker broker = new Broker(embedded);
        long deadBefore = broker.added("orderflow.dead-letter");
        long reviewBefore = broker.added("orderflow.review");
        List<Long> orders = new ArrayList<>();
        int troubleConnections = 0;
        Counts duringOutage;
        long deadDuringOutage;
        // 1. not there: connection refused
        stopSmtp();
        try {
            postOrders(orders, 2);
            Thread.sleep(PHASE_MS);
            // 2. "unavailable": 421 at the greeting
            try (UnhealthySmtpServer unavailable = UnhealthySmtpServer.unavailable(SMTP_PORT)) {
                postOrders(orders, 2);
                Thread.sleep(PHASE_MS);
                troubleConnections += unavailable.connections.get();
            }
            // 3. slower than orderflow.notifications.email.timeout (1 s): accepts and never greets
            try (UnhealthySmtpServer silent = UnhealthySmtpServer.silent(SMTP_PORT)) {
                postOrders(orders, 2);
                Thread.sleep(PHASE_MS);
                // The order flow does not wait for notifications: every order of the outage is in the ERP and the WMS.
                long until = System.currentTimeMillis() + 6000;
                do {
                    duringOutage = count(orders);
                } while ((duringOutage.erp.containsValue(0) || duringOutage.fulfilments.containsValue(0))
                        && System.currentTimeMillis() < until && sleep(250));
                troubleConnections += silent.connections.get();
            }
            deadDuringOutage = broker.added("orderflow.dead-letter") - deadBefore;
        } finally {
            // 4. back on the same port
            smtp = smtpUp();
        }
        Counts counts = awaitEffects(orders);

        System.out.println("OUTAGE SUITE FIGURES (SMTP) orders=" + orders.size() + " phases=refused,421,silent"
                + " connectionsToTheTroubledServers=" + troubleConnections + " duringOutage[erpOrders="
                + sum(duringOutage.erp) + " fulfilments=" + sum(duringOutage.fulfilments) + " mails="
                + sum(duringOutage.mails) + "] deadLettered=" + (broker.added("orderflow.dead-letter") - deadBefore)
                + " review=" + (broker.added("orderflow.review") - reviewBefore) + " " + counts);
        assertThat(troubleConnections).as("the notify stage tried the 421 and the silent server").isPositive();
        assertThat(duringOutage.erp).as("ERPNext sales orders while SMTP was down")
                .allSatisfy((id, n) -> assertThat(n).as("order " + id).isEqualTo(1));
        assertThat(duringOutage.fulfilments).as("WMS fulfilment orders while SMTP was down")
                .allSatisfy((id, n) -> assertThat(n).as("order " + id).isEqualTo(1));
        assertThat(duringOutage.mails).as("no mail while SMTP was down").allSatisfy((id, n) -> assertThat(n).isZero());
        assertThat(deadDuringOutage).as("dead-lettered during the SMTP outage").isZero();
        counts.assertExactlyOnce(false);
        assertThat(broker.added("orderflow.dead-letter") - deadBefore).isZero();
        assertThat(broker.added("orderflow.review") - reviewBefore).isZero();
    }

    @Test
    @Order(3)
    void aTwilioOutageOf503sTimeoutsAndRefusalsParksNothingAndEverySmsGoesOutTheMailOnce() throws Exception {
        Broker broker = new Broker(embedded);
        long deadBefore = broker.added("orderflow.dead-letter");
        long reviewBefore = broker.added("orderflow.review");
        List<Long> orders = new ArrayList<>();
        long deadDuringOutage;
        try {
            // 1. 503
            var down = twilio.stubFor(post(urlEqualTo(MESSAGES)).atPriority(1).willReturn(aResponse().withStatus(503)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"code\":20503,\"message\":\"Service unavailable\",\"status\":503}")));
            postOrders(orders, 2);
            Thread.sleep(PHASE_MS);
            // 2. slower than orderflow.notifications.sms.twilio.timeout (1 s): accepted (sent!), answered after 2.5 s
            twilio.removeStub(down);
            twilio.stubFor(post(urlEqualTo(MESSAGES)).atPriority(1).willReturn(accepted().withFixedDelay(2500)));
            postOrders(orders, 2);
            Thread.sleep(PHASE_MS);
            // 3. not there: connection refused
            stopTwilio();
            postOrders(orders, 2);
            Thread.sleep(PHASE_MS);
            deadDuringOutage = broker.added("orderflow.dead-letter") - deadBefore;
        } finally {
            // 4. back on the same port
            if (twilio.isRunning()) {
                stopTwilio();
            }
            twilio = twilioUp();
        }
        Counts counts = awaitEffects(orders);

        System.out.println("OUTAGE SUITE FIGURES (Twilio) orders=" + orders.size() + " phases=503,slow,refused deadLettered="
                + (broker.added("orderflow.dead-letter") - deadBefore) + " review="
                + (broker.added("orderflow.review") - reviewBefore) + " " + counts);
        assertThat(deadDuringOutage).as("dead-lettered during the Twilio outage").isZero();
        counts.assertExactlyOnce(true);
        assertThat(broker.added("orderflow.dead-letter") - deadBefore).isZero();
        assertThat(broker.added("orderflow.review") - reviewBefore).isZero();
    }

    // --- effects at the far end ---

    /** Per order: ERPNext sales orders, WMS fulfilment orders created, order-confirmed mails, SMS Twilio accepted. */
    record Counts(Map<Long, Integer> erp, Map<Long, Integer> fulfilments, Map<Long, Integer> mails,
            Map<Long, Integer> sms, Map<Long, Integer> smsAcceptedTooLate) {

        boolean complete() {
            return !erp.containsValue(0) && !fulfilments.containsValue(0) && !mails.containsValue(0) && !sms.containsValue(0);
        }

        void assertExactlyOnce(boolean smsMayRepeatASlowAcceptance) {
            assertThat(erp).as("ERPNext sales orders per order").allSatisfy((id, n) -> assertThat(n).as("order " + id).isEqualTo(1));
            assertThat(fulfilments).as("WMS fulfilment orders per order")
                    .allSatisfy((id, n) -> assertThat(n).as("order " + id).isEqualTo(1));
            assertThat(mails).as("order-confirmed mails per order").allSatisfy((id, n) -> assertThat(n).as("order " + id).isEqualTo(1));
            sms.forEach((id, n) -> {
                int tooLate = smsMayRepeatASlowAcceptance ? smsAcceptedTooLate.getOrDefault(id, 0) : 0;
                assertThat(n).as("SMS of order " + id + " (" + tooLate + " accepted after the connector gave up)")
                        .isBetween(1, 1 + tooLate);
            });
        }

        @Override
        public String toString() {
            int smsDoubled = sms.values().stream().mapToInt(n -> Math.max(0, n - 1)).sum();
            return "erpOrders=" + sum(erp) + " fulfilments=" + sum(fulfilments) + " mails=" + sum(mails) + " sms=" + sum(sms)
                    + " lost=" + (zeros(erp) + zeros(fulfilments) + zeros(mails) + zeros(sms)) + " doubled(erp/wms/mail)="
                    + (over(erp) + over(fulfilments) + over(mails)) + " smsSentAgainAfterATimeout=" + smsDoubled
                    + " smsAcceptedAfterTheTimeout=" + sum(smsAcceptedTooLate);
        }
    }

    private Counts awaitEffects(List<Long> orders) throws Exception {
        long deadline = System.currentTimeMillis() + 90_000;
        Counts counts;
        do {
            Thread.sleep(500);
            counts = count(orders);
        } while (!counts.complete() && System.currentTimeMillis() < deadline);
        Thread.sleep(2500);   // late doubles would arrive now
        return count(orders);
    }

    private Counts count(List<Long> orders) throws Exception {
        Map<String, Integer> posted = new HashMap<>();
        for (var request : ERP.findAll(postRequestedFor(urlEqualTo("/api/resource/Sales%20Order")))) {
            posted.merge(JSON.readTree(request.getBodyAsString()).path("po_no").asText(), 1, Integer::sum);
        }
        List<String> subjects = new ArrayList<>(EARLIER_SUBJECTS);
        if (smtp.isRunning()) {
            for (MimeMessage message : smtp.getReceivedMessages()) {
                subjects.add(message.getSubject());
            }
        }
        List<String> sms = new ArrayList<>(EARLIER_SMS);
        List<String> tooLate = new ArrayList<>();
        if (twilio.isRunning()) {
            sms.addAll(acceptedSms(twilio, false));
            tooLate.addAll(acceptedSms(twilio, true));
        }
        tooLate.addAll(EARLIER_SMS_TOO_LATE);
        Map<Long, Integer> erp = new HashMap<>();
        Map<Long, Integer> fulfilments = new HashMap<>();
        Map<Long, Integer> mails = new HashMap<>();
        Map<Long, Integer> texts = new HashMap<>();
        Map<Long, Integer> late = new HashMap<>();
        for (long id : orders) {
            String label = "#F" + id + " ";
            erp.put(id, posted.getOrDefault("test-shopify-" + id, 0));
            fulfilments.put(id, WMS_STATE.created("test-shopify:" + id));
            mails.put(id, (int) subjects.stream().filter(s -> s.contains(label)).count());
            texts.put(id, (int) sms.stream().filter(s -> s.contains(label)).count());
            late.put(id, (int) tooLate.stream().filter(s -> s.contains(label)).count());
        }
        return new Counts(erp, fulfilments, mails, texts, late);
    }

    /** The bodies of the SMS this Twilio accepted (201); slowOnly: only those it answered after a delay. */
    private static List<String> acceptedSms(WireMockServer server, boolean slowOnly) {
        List<String> bodies = new ArrayList<>();
        for (ServeEvent event : server.getAllServeEvents()) {
            if (!event.getRequest().getUrl().equals(MESSAGES) || event.getResponse().getStatus() != 201) {
                continue;
            }
            Integer delay = event.getResponseDefinition().getFixedDelayMilliseconds();
            if (slowOnly && (delay == null || delay == 0)) {
                continue;
            }
            for (String pair : event.getRequest().getBodyAsString().split("&")) {
                if (pair.startsWith("Body=")) {
                    bodies.add(URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8));
                }
            }
        }
        return bodies;
    }

    private void postOrders(List<Long> orders, int n) throws IOException {
        if (orders.size() + n > 20) {
            throw new IllegalStateException("at most 20 orders per test");
        }
        for (int i = 0; i < n; i++) {
            long id = FIRST + orders.size() + 20L * block;
            orders.add(id);
            ObjectNode order = (ObjectNode) JSON.readTree(fixture("shopify-orders-create.json"));
            order.put("id", id).put("name", "#F" + id).put("order_number", id).put("financial_status", "paid")
                    .put("subtotal_price", "597.00").put("total_line_items_price", "597.00").put("total_tax", "0.00")
                    .put("total_price", "597.00").put("total_discounts", "0.00");
            order.set("tax_lines", JSON.createArrayNode());
            for (JsonNode line : order.withArray("line_items")) {
                ((ObjectNode) line).set("tax_lines", JSON.createArrayNode());
            }
            byte[] body = JSON.writeValueAsBytes(order);
            assertThat(post(port, "/webhooks/shop/test-shopify", body,
                    shopifyHeaders("orders/create", "outage2-" + id, hmacBase64("shpss_test_client_secret", body)))
                    .statusCode()).isEqualTo(200);
        }
    }

    private double gauge(String system) {
        Gauge gauge = meters.find("orderflow.circuit.state").tag("system", system).gauge();
        return gauge == null ? -1 : gauge.value();
    }

    private static Thread sample(Set<String> states, Supplier<String> state) {
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                states.add(state.get());
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        return sampler;
    }

    private static boolean sleep(long ms) throws InterruptedException {
        Thread.sleep(ms);
        return true;
    }

    static int sum(Map<Long, Integer> counts) {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    static long zeros(Map<Long, Integer> counts) {
        return counts.values().stream().filter(n -> n == 0).count();
    }

    static int over(Map<Long, Integer> counts) {
        return counts.values().stream().mapToInt(n -> Math.max(0, n - 1)).sum();
    }

    // --- the servers ---

    private static void stopSmtp() throws Exception {
        for (MimeMessage message : smtp.getReceivedMessages()) {
            EARLIER_SUBJECTS.add(message.getSubject());
        }
        smtp.stop();
    }

    private static void stopTwilio() {
        EARLIER_SMS.addAll(acceptedSms(twilio, false));
        EARLIER_SMS_TOO_LATE.addAll(acceptedSms(twilio, true));
        twilio.stop();
    }

    /**
     * GreenMail on the suite's SMTP port. Right after a troubled server on that port closed, the bind was once refused
     * ("Address already in use", CI 2026-11-30): tried again, a new instance each time, for a bounded 10 s.
     */
    private static GreenMail smtpUp() {
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            GreenMail server = new GreenMail(new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            try {
                server.start();
                return server;
            } catch (IllegalStateException notBound) {
                server.stop();
                if (System.currentTimeMillis() > deadline) {
                    throw notBound;
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw notBound;
                }
            }
        }
    }

    /** A (new) WMS on the same port; the fulfilment orders it remembers (WMS_STATE) survive its restarts. */
    private static WireMockServer wmsUp() {
        WireMockServer server = new WireMockServer(WireMockConfiguration.options().port(WMS_PORT).bindAddress("127.0.0.1").extensions(WMS_STATE));
        server.start();
        server.stubFor(post(urlEqualTo(FULFILMENT_ORDERS)).willReturn(aResponse().withTransformers(WmsFulfilmentState.NAME)));
        return server;
    }

    private static WireMockServer twilioUp() {
        WireMockServer server = new WireMockServer(WireMockConfiguration.options().port(TWILIO_PORT).bindAddress("127.0.0.1"));
        server.start();
        server.stubFor(post(urlEqualTo(MESSAGES)).willReturn(accepted()));
        return server;
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder accepted() {
        try {
            return aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                    .withBody(Files.readString(Path.of("src/test/resources/fixtures/twilio-message-create-response.json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder data(String data) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("{\"data\":" + data + "}");
    }
}

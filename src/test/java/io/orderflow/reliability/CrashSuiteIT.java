package io.orderflow.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orderflow.reliability.SignedOrderStream.Delivery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, suite 1 (crash): the connector as its own process — the repackaged Spring Boot jar, {@code java -jar
 * target/orderflow.jar}, so this runs in Maven's integration-test phase (failsafe) — with its own persistent data
 * directory under target/crash-suite, a WireMock ERPNext that remembers the sales orders it was given (ErpNextState)
 * and a GreenMail SMTP server, both in this JVM ({@link FarEndStubs}; the process: {@link ConnectorProcess}; the
 * stream: {@link SignedOrderStream}, shared with ScaleOutSuiteIT). A poster thread sends a stream of signed Shopify orders (paid, or
 * authorized and then paid through a Stripe payment_intent.succeeded, or authorized and then orders/paid) the way a
 * shop does: a delivery that got no 2xx (connection refused while the connector is down, 503 while it starts) is sent
 * again; one answered 2xx is never sent again. Meanwhile the connector is killed with SIGKILL at random moments and
 * restarted, then once more stopped with SIGTERM in the middle of a burst.
 *
 * <p>At the end every accepted order produced exactly one ERP sales order (WireMock's journal, by po_no) and one
 * order-confirmed mail (GreenMail, by subject); nothing waits on review or dead-letter; the SIGTERM stop shut Camel's
 * routes down before the broker; and no customer e-mail, phone or street and no secret appears in the connector's log.
 *
 * <p>Short by default (CI); longer: {@code mvn -B verify -Dit.test=CrashSuiteIT -Dorderflow.crash.orders=300
 * -Dorderflow.crash.kills=20} (docs/reliability.md). A fulfilment count is added here when the WMS stage exists
 * (see "Crash suite" there).
 */
class CrashSuiteIT {

    static final int ORDERS = Integer.getInteger("orderflow.crash.orders", 30);
    static final int KILLS = Integer.getInteger("orderflow.crash.kills", 5);
    static final int TERM_BURST = 6;
    static final long SEED = Long.getLong("orderflow.crash.seed", System.nanoTime());
    static final String SHOPIFY_SECRET = SignedOrderStream.SHOPIFY_SECRET;
    static final String STRIPE_SECRET = SignedOrderStream.STRIPE_SECRET;
    static final String ADMIN_PASSWORD = ConnectorProcess.ADMIN_PASSWORD;
    static final String ERP_SECRET = "erp-secret-" + UUID.randomUUID();
    static final String SMTP_PASSWORD = "smtp-secret-" + UUID.randomUUID();
    static final String PROBE = UUID.randomUUID().toString().substring(0, 8);
    static final String CUSTOMER_EMAIL = "crash.probe." + PROBE + "@masking-probe.example";
    static final String CUSTOMER_PHONE = "+1 555 0100 " + (1000 + Math.floorMod(PROBE.hashCode(), 9000));
    static final String CUSTOMER_STREET = "Probestrasse " + PROBE;
    static final ObjectMapper JSON = new ObjectMapper();

    final Random random = new Random(SEED);
    final Path dir = Path.of("target/crash-suite/run-" + System.currentTimeMillis());
    final Path log = dir.resolve("connector.log");
    final long firstId = 5_000_000 + (System.currentTimeMillis() / 1000 % 100_000) * 1000;
    final SignedOrderStream signed = new SignedOrderStream("crash", CUSTOMER_EMAIL, CUSTOMER_PHONE, CUSTOMER_STREET);
    FarEndStubs stubs;
    ConnectorProcess connector;

    @Test
    void everyAcceptedOrderMakesOneErpOrderAndOneMailThroughKillsAndAGracefulStop() throws Exception {
        Files.createDirectories(dir);
        stubs = new FarEndStubs(SMTP_PASSWORD);
        connector = new ConnectorProcess("connector", dir,
                stubs.connectorArguments("erp-key", ERP_SECRET, SMTP_PASSWORD, "Demo Shop"));
        List<Delivery> stream = new ArrayList<>();
        for (int i = 0; i < ORDERS; i++) {
            stream.addAll(signed.order(firstId + i, i % 3));
        }

        connector.start();
        ConcurrentLinkedQueue<String> accepted = new ConcurrentLinkedQueue<>();
        AtomicInteger resent = new AtomicInteger();
        AtomicBoolean posting = new AtomicBoolean(true);
        Thread poster = new Thread(() -> {
            try {
                for (Delivery delivery : stream) {
                    signed.deliver(delivery, () -> connector.port, ADMIN_PASSWORD, resent);
                    accepted.add(delivery.orderKey());
                    Thread.sleep(100 + random.nextInt(300));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                posting.set(false);
            }
        }, "crash-suite-poster");
        poster.start();

        int kills = 0;
        long killPhaseEnd = System.currentTimeMillis() + 10 * 60_000;
        while (kills < KILLS && System.currentTimeMillis() < killPhaseEnd) {
            connector.awaitHealthy();
            Thread.sleep(500 + random.nextInt(posting.get() ? 3000 : 1500));
            connector.kill(); // SIGKILL: no shutdown hook, no orderly broker stop
            kills++;
            connector.start();
        }
        poster.join(5 * 60_000);
        assertThat(poster.isAlive()).as("the poster finished").isFalse();
        assertThat(kills).isEqualTo(KILLS);

        // SIGTERM in the middle of a burst: what was answered 2xx must still come out once
        connector.awaitHealthy();
        List<Delivery> burst = new ArrayList<>();
        for (int i = 0; i < TERM_BURST; i++) {
            burst.addAll(signed.order(firstId + ORDERS + i, 0));
        }
        for (Delivery delivery : burst) {
            signed.deliver(delivery, () -> connector.port, ADMIN_PASSWORD, resent);
            accepted.add(delivery.orderKey());
        }
        Path termLog = connector.console(connector.starts);
        connector.process.destroy(); // SIGTERM: graceful shutdown
        boolean exited = connector.process.waitFor(90, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(exited).as("graceful shutdown within 90 s").isTrue();
        int termExit = connector.process.exitValue();
        connector.start();
        connector.awaitHealthy();

        List<String> orders = accepted.stream().distinct().toList();
        Map<String, Integer> erpOrders = new TreeMap<>();
        Map<String, Integer> mails = new TreeMap<>();
        long deadline = System.currentTimeMillis() + 180_000;
        do {
            Thread.sleep(1000);
            stubs.count(orders, erpOrders, mails);
        } while ((erpOrders.values().stream().anyMatch(n -> n == 0) || mails.values().stream().anyMatch(n -> n == 0))
                && System.currentTimeMillis() < deadline);
        Thread.sleep(3000); // anything still to come (a double) arrives now
        stubs.count(orders, erpOrders, mails);
        JsonNode queues = JSON.readTree(connector.admin("/admin/queues"));

        long lostErp = erpOrders.values().stream().filter(n -> n == 0).count();
        long doubledErp = erpOrders.values().stream().filter(n -> n > 1).count();
        long lostMail = mails.values().stream().filter(n -> n == 0).count();
        long doubledMail = mails.values().stream().filter(n -> n > 1).count();
        String logText = Files.readString(log);
        String termText = Files.readString(termLog);
        int camelDown = termText.indexOf("(orderflow) shutdown in");
        int brokerDown = termText.indexOf("AMQ221002");
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("seed", SEED);
        figures.put("orders", orders.size());
        figures.put("deliveriesAccepted", stream.size() + burst.size());
        figures.put("resends", resent.get());
        figures.put("sigkills", kills);
        figures.put("sigterms", 1);
        figures.put("sigtermExitCode", termExit);
        figures.put("starts", connector.starts);
        figures.put("erpSalesOrders", erpOrders.values().stream().mapToInt(Integer::intValue).sum());
        figures.put("erpLost", lostErp);
        figures.put("erpDoubled", doubledErp);
        figures.put("mails", mails.values().stream().mapToInt(Integer::intValue).sum());
        figures.put("mailsLost", lostMail);
        figures.put("mailsDoubled", doubledMail);
        figures.put("review", queues.at("/queues/orderflow.review/waiting").asLong());
        figures.put("deadLetter", queues.at("/queues/orderflow.dead-letter/waiting").asLong());
        figures.put("camelStoppedBeforeBroker", camelDown >= 0 && brokerDown > camelDown);
        Files.writeString(dir.resolve("figures.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(figures));
        System.out.println("CRASH SUITE FIGURES " + figures + " (logs in " + dir + ")");

        assertThat(erpOrders).as("ERP sales orders per order").allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1));
        assertThat(lostMail).as("orders without their confirmation mail").isZero();
        // The known window (docs/notifications.md): a kill between SMTP acceptance and the sent marker may mail once
        // more. Counted and reported above; it can happen at most once per kill.
        assertThat(doubledMail).as("doubled mails (at most one per kill)").isLessThanOrEqualTo(kills);
        assertThat(figures.get("review")).as("parked for review").isEqualTo(0L);
        assertThat(figures.get("deadLetter")).as("dead-lettered").isEqualTo(0L);
        assertThat(termExit).as("exit code after SIGTERM").isIn(0, 130, 143);
        assertThat(camelDown).as("Camel shut down on SIGTERM (" + termLog + ")").isPositive();
        assertThat(brokerDown).as("the broker stopped after Camel's routes (" + termLog + ")").isGreaterThan(camelDown);
        // Invariant 5 over a whole run: personal data masked, secrets never written
        assertThat(logText).as("the connector's log").isNotEmpty()
                .doesNotContain(CUSTOMER_EMAIL).doesNotContain(CUSTOMER_PHONE).doesNotContain(CUSTOMER_STREET)
                .doesNotContain(SHOPIFY_SECRET).doesNotContain(STRIPE_SECRET).doesNotContain(ERP_SECRET)
                .doesNotContain(SMTP_PASSWORD).doesNotContain(ADMIN_PASSWORD);
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        if (connector != null) {
            connector.stop();
        }
        if (stubs != null) {
            stubs.close();
        }
    }
}

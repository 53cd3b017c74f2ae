package io.orderflow.bench;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The benchmark (issue 13; docs/performance.md): starts the stubs (BenchStubs) and the connector (the packaged jar,
 * embedded persistent broker, a fresh data directory) as processes of their own, drives signed WooCommerce
 * order.created + Stripe payment_intent.succeeded webhooks for distinct orders at a fixed arrival rate (open model:
 * each request is sent at its scheduled time whatever the earlier ones do, latency counted from that time, at most
 * --max-in-flight requests under way) or as a burst, after a warm-up that is excluded. Then the same POSTs against
 * the connector's baseline endpoint (POST /webhooks/bench-baseline: the same HTTP stack and Camel platform-http, no
 * signature check, no broker). It reports a table and a JSON file, and fails (exit 1) when an order was lost or
 * doubled at the stubs.
 *
 * <p>Run: {@code scripts/bench [--orders 2000] [--rate 50 | --burst] [--warmup 300] [--erp-latency-ms 0] ...}
 */
public final class Bench {

    private final Map<String, String> options;
    private final Path workDir;
    private final int port;
    private final int stubPort;
    private final int smtpPort;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String adminPassword = "bench-" + System.nanoTime();
    private Process connector;
    private Process stubs;
    private final ObjectNode result = BenchOrders.JSON.createObjectNode();
    private final boolean wms;

    private Bench(Map<String, String> options) throws IOException {
        this.options = options;
        this.workDir = Path.of(options.getOrDefault("out-dir", "target/bench")).toAbsolutePath();
        this.port = freePort();
        this.stubPort = freePort();
        this.smtpPort = freePort();
        this.wms = !options.containsKey("no-wms");
    }

    public static void main(String[] args) throws Exception {
        Bench bench = new Bench(options(args));
        int exit;
        try {
            exit = bench.run();
        } finally {
            bench.stop();
        }
        System.exit(exit);
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            String key = args[i].substring(2);
            if (key.contains("=")) {
                options.put(key.substring(0, key.indexOf('=')), key.substring(key.indexOf('=') + 1));
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                options.put(key, args[++i]);
            } else {
                options.put(key, "true");
            }
        }
        return options;
    }

    private int intOption(String name, int fallback) {
        return Integer.parseInt(options.getOrDefault(name, String.valueOf(fallback)));
    }

    private int run() throws Exception {
        int orders = intOption("orders", 2000);
        int warmup = intOption("warmup", 300);
        boolean burst = options.containsKey("burst");
        double rate = Double.parseDouble(options.getOrDefault("rate", "50"));
        int drainSeconds = intOption("drain-timeout-s", 120);
        Files.createDirectories(workDir);
        Path dataDir = workDir.resolve("data");
        deleteTree(dataDir);

        startStubs();
        long startAt = System.nanoTime();
        startConnector(dataDir);
        long readyMs = waitHealthy();
        result.put("startToReadyMs", (System.nanoTime() - startAt) / 1_000_000);
        System.out.printf("connector ready on port %d after %d ms (pid %d)%n", port, readyMs, connector.pid());

        long nextId = BenchOrders.FIRST_ID;
        // Warm-up: JIT, pools, first customers; excluded from every figure.
        Phase warm = sendOrders(nextId, warmup, burst ? 0 : rate);
        nextId += warmup;
        waitForOrders(BenchOrders.FIRST_ID, warmup, drainSeconds, null);
        System.out.printf("warm-up: %d orders done%n", warmup);

        // Idle: what the connector burns doing nothing (pollers, timers), for reading the figures below.
        double[] idle0 = cpuAndIo();
        Thread.sleep(5000);
        result.put("idleCpuMsPerSecond", (cpuAndIo()[0] - idle0[0]) * 1000 / 5);
        long heapBeforeKb = heapAfterGcKb("before");

        // Baseline: the same order webhooks, against the endpoint that answers without the broker.
        int baselineRequests = intOption("baseline-requests", orders);
        double[] cpu0 = cpuAndIo();
        Phase baseline = sendBaseline(nextId, baselineRequests, burst ? 0 : rate * 2);
        double[] cpu1 = cpuAndIo();
        ObjectNode base = result.putObject("baseline");
        baseline.report(base);
        base.put("cpuMsPerRequest", (cpu1[0] - cpu0[0]) * 1000 / baselineRequests);

        // Management endpoint with Basic auth (GET /actuator/info, a trivial answer): what authentication costs.
        int authRequests = intOption("auth-requests", 50);
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString(("admin:" + adminPassword)
                .getBytes(StandardCharsets.UTF_8));
        double[] auth0 = cpuAndIo();
        for (int i = 0; i < authRequests; i++) {
            HttpResponse<String> info = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/info"))
                    .header("Authorization", basic).build(), HttpResponse.BodyHandlers.ofString());
            if (info.statusCode() != 200) {
                throw new IllegalStateException("GET /actuator/info with the operator's credentials: HTTP " + info.statusCode());
            }
        }
        result.put("basicAuthCpuMsPerRequest", (cpuAndIo()[0] - auth0[0]) * 1000 / authRequests);

        // The measured run.
        long journal0 = treeSize(dataDir.resolve("broker/journal"));
        cpu0 = cpuAndIo();
        long firstOrder = nextId;
        long t0 = System.currentTimeMillis();
        Phase run = sendOrders(firstOrder, orders, burst ? 0 : rate);
        long sentAt = System.currentTimeMillis();
        JsonNode stats = waitForOrders(firstOrder, orders, drainSeconds, t0);
        cpu1 = cpuAndIo();
        long journal1 = treeSize(dataDir.resolve("broker/journal"));

        ObjectNode measured = result.putObject("run");
        measured.put("mode", (burst ? "burst" : "rate " + rate + " orders/s") + (wms ? ", with WMS and shipments" : ", no WMS"))
                .put("orders", orders)
                .put("webhooks", orders * 2).put("warmupOrders", warmup)
                .put("erpLatencyMs", intOption("erp-latency-ms", 0));
        run.report(measured.putObject("intake"));
        measured.put("sendSeconds", (sentAt - t0) / 1000.0);
        List<Long> processing = new ArrayList<>();
        long lastConfirm = 0;
        for (long id = firstOrder; id < firstOrder + orders; id++) {
            JsonNode counts = stats.path("erpOrders").path(BenchOrders.CHANNEL + "-" + id);
            long confirmedAt = counts.path(2).asLong();
            Long paymentSent = run.scheduledAt.get(id);
            if (confirmedAt > 0 && paymentSent != null) {
                processing.add(confirmedAt - paymentSent);
                lastConfirm = Math.max(lastConfirm, confirmedAt);
            }
        }
        ObjectNode proc = measured.putObject("paymentWebhookToErpConfirmedMs");
        percentiles(proc, processing);
        if (wms) {
            List<Long> toFulfilment = new ArrayList<>();
            List<Long> toShippedMail = new ArrayList<>();
            for (long id = firstOrder; id < firstOrder + orders; id++) {
                JsonNode fulfilment = stats.path("fulfilments").path(String.valueOf(id));
                Long paymentSent = run.scheduledAt.get(id);
                if (fulfilment.path(1).asLong() > 0 && paymentSent != null) {
                    toFulfilment.add(fulfilment.path(1).asLong() - paymentSent);
                }
                long shippedMailAt = stats.path("shippedMails").path(String.valueOf(id)).path(1).asLong();
                if (shippedMailAt > 0 && fulfilment.path(2).asLong() > 0) {
                    toShippedMail.add(shippedMailAt - fulfilment.path(2).asLong());
                }
                lastConfirm = Math.max(lastConfirm, shippedMailAt);
            }
            percentiles(measured.putObject("paymentWebhookToFulfilmentRequestedMs"), toFulfilment);
            percentiles(measured.putObject("shipmentWebhookToShippedMailMs"), toShippedMail);
        }
        double seconds = (lastConfirm - t0) / 1000.0;
        measured.put("sustainedOrdersPerSecond", lastConfirm > 0 ? orders / seconds : 0);
        double cpuSeconds = cpu1[0] - cpu0[0];
        measured.put("cpuSecondsPer1000Orders", cpuSeconds * 1000 / orders);
        measured.put("cpuMsPerOrder", cpuSeconds * 1000 / orders);
        measured.put("journalBytesPerOrder", (journal1 - journal0) / (double) orders);
        measured.put("writtenBytesPerOrder", (cpu1[1] - cpu0[1]) / orders);
        measured.put("erpRequestsPerOrder", stats.path("erpRequests").asDouble() / (warmup + orders));
        measured.put("shopApiRequests", stats.path("shopRequests").asLong());
        result.put("peakRssMb", peakRssKb() / 1024.0);
        // Heap after a full GC, before the run and after it: what the orders of the run left on the connector's heap
        // (their state on the broker, the duplicate-id caches filling up to their bounds). Settled first: status
        // events may still be folded after the last effect reached the stubs.
        Thread.sleep(5000);
        long heapAfterKb = heapAfterGcKb("after");
        if (heapBeforeKb > 0 && heapAfterKb > 0) {
            measured.put("heapAfterGcBeforeMb", heapBeforeKb / 1024.0).put("heapAfterGcAfterMb", heapAfterKb / 1024.0)
                    .put("heapBytesPerOrderKept", (heapAfterKb - heapBeforeKb) * 1024.0 / orders);
        }
        result.put("cpuMsPerRequestRatioWebhookToBaseline",
                (cpuSeconds * 1000 / orders) / 2 / Math.max(0.001, base.path("cpuMsPerRequest").asDouble()));

        // Exactly once at the far end: every order (warm-up included) one ERP order, one submit, one mail, one SMS.
        List<String> problems = new ArrayList<>();
        long doubled = 0;
        long missing = 0;
        for (long id = BenchOrders.FIRST_ID; id < firstOrder + orders; id++) {
            JsonNode counts = stats.path("erpOrders").path(BenchOrders.CHANNEL + "-" + id);
            long created = counts.path(0).asLong();
            long submitted = counts.path(1).asLong();
            long mails = stats.path("mails").path(String.valueOf(id)).asLong();
            long sms = stats.path("sms").path(String.valueOf(id)).asLong();
            long[] perOrder = {created, submitted, mails, sms};
            String what = "created " + created + ", submitted " + submitted + ", mails " + mails + ", sms " + sms;
            if (wms) {
                String n = String.valueOf(id);
                long fulfilmentOrders = stats.path("fulfilments").path(n).path(0).asLong();
                long shipped = stats.path("shippedMails").path(n).path(0).asLong();
                long notes = stats.path("shopNotes").path(n).asLong();
                long completed = stats.path("shopCompleted").path(n).asLong();
                long deliveryNotes = stats.path("deliveryNotes").path(n).asLong();
                perOrder = new long[] {created, submitted, mails, sms, fulfilmentOrders, shipped, notes, completed, deliveryNotes};
                what += ", WMS orders " + fulfilmentOrders + ", shipped mails " + shipped + ", shop notes " + notes
                        + ", shop completed " + completed + ", ERP delivery notes " + deliveryNotes;
            }
            if (Arrays.stream(perOrder).anyMatch(c -> c > 1)) {
                doubled++;
            } else if (Arrays.stream(perOrder).anyMatch(c -> c != 1)) {
                missing++;
            }
            if (Arrays.stream(perOrder).anyMatch(c -> c != 1)) {
                problems.add(id + ": " + what);
            }
        }
        ObjectNode effects = result.putObject("effects");
        measured.put("drainSeconds", (System.currentTimeMillis() - sentAt) / 1000.0);
        effects.put("ordersExpected", warmup + orders).put("problems", problems.size()).put("doubled", doubled)
                .put("missingAfterDrainTimeout", missing);
        effects.putArray("firstProblems").addAll(problems.stream().limit(20).map(effects::textNode).toList());
        result.put("passed", problems.isEmpty() && run.errors.get() == 0);

        Path json = workDir.resolve("result.json");
        Files.writeString(json, result.toPrettyString());
        printTable(measured, base);
        System.out.println("JSON: " + json);
        if (!problems.isEmpty()) {
            System.out.println("FAILED: " + doubled + " orders doubled, " + missing + " not (fully) done within the drain"
                    + " timeout (lost or late), e.g. " + problems.get(0));
            return 1;
        }
        return run.errors.get() == 0 ? 0 : 1;
    }

    private void printTable(JsonNode run, JsonNode base) {
        JsonNode intake = run.path("intake");
        JsonNode proc = run.path("paymentWebhookToErpConfirmedMs");
        String[][] rows = {
                {"mode", run.path("mode").asText() + ", " + run.path("orders").asText() + " orders (" + run.path("webhooks")
                        .asText() + " webhooks), warm-up " + run.path("warmupOrders").asText() + ", ERP latency "
                        + run.path("erpLatencyMs").asText() + " ms"},
                {"intake latency p50 / p99 / max", ms(intake, "p50") + " / " + ms(intake, "p99") + " / " + ms(intake, "max")},
                {"intake requests/s (webhooks)", String.format("%.1f", intake.path("requestsPerSecond").asDouble())},
                {"intake errors / timeouts", intake.path("errors").asText() + " / " + intake.path("timeouts").asText()},
                {"baseline latency p50 / p99 / max", ms(base, "p50") + " / " + ms(base, "p99") + " / " + ms(base, "max")},
                {"baseline requests/s", String.format("%.1f", base.path("requestsPerSecond").asDouble())},
                {"intake/baseline requests/s", String.format("%.2f", intake.path("requestsPerSecond").asDouble()
                        / Math.max(0.001, base.path("requestsPerSecond").asDouble()))},
                {"payment webhook -> ERP confirmed p50 / p99 / max", ms(proc, "p50") + " / " + ms(proc, "p99") + " / " + ms(proc, "max")},
                {"payment webhook -> fulfilment requested (WMS) p50 / p99 / max", ms(run.path("paymentWebhookToFulfilmentRequestedMs"), "p50")
                        + " / " + ms(run.path("paymentWebhookToFulfilmentRequestedMs"), "p99") + " / "
                        + ms(run.path("paymentWebhookToFulfilmentRequestedMs"), "max")},
                {"shipment webhook -> shipped mail p50 / p99 / max", ms(run.path("shipmentWebhookToShippedMailMs"), "p50")
                        + " / " + ms(run.path("shipmentWebhookToShippedMailMs"), "p99") + " / "
                        + ms(run.path("shipmentWebhookToShippedMailMs"), "max")},
                {"sustained orders/s (first sent -> last confirmed" + (wms ? ", shipped and notified)" : ")"),
                        String.format("%.1f", run.path("sustainedOrdersPerSecond").asDouble())},
                {"CPU s per 1,000 orders (connector process)", String.format("%.1f", run.path("cpuSecondsPer1000Orders").asDouble())},
                {"CPU ms per baseline request", String.format("%.2f", base.path("cpuMsPerRequest").asDouble())},
                {"CPU ms per Basic-auth management request (GET /actuator/info)",
                        String.format("%.2f", result.path("basicAuthCpuMsPerRequest").asDouble())},
                {"ERP requests per order", String.format("%.2f", run.path("erpRequestsPerOrder").asDouble())},
                {"broker journal bytes per order (dir growth)", String.format("%.0f", run.path("journalBytesPerOrder").asDouble())},
                {"bytes written per order (/proc io)", String.format("%.0f", run.path("writtenBytesPerOrder").asDouble())},
                {"connector CPU when idle, ms per second", String.format("%.0f", result.path("idleCpuMsPerSecond").asDouble())},
                {"peak RSS MB", String.format("%.0f", result.path("peakRssMb").asDouble())},
                {"heap after full GC before / after the run MB, bytes per order kept", String.format("%.0f / %.0f, %.0f",
                        run.path("heapAfterGcBeforeMb").asDouble(), run.path("heapAfterGcAfterMb").asDouble(),
                        run.path("heapBytesPerOrderKept").asDouble())},
                {"start to ready ms", result.path("startToReadyMs").asText()},
                {"effects (orders with not exactly one of each effect)", result.path("effects").path("problems").asText()
                        + " of " + result.path("effects").path("ordersExpected").asText()},
        };
        System.out.println();
        for (String[] row : rows) {
            System.out.printf("| %-62s | %-60s |%n", row[0], row[1]);
        }
        System.out.println();
    }

    private static String ms(JsonNode node, String field) {
        return node.has(field) ? node.path(field).asText() + " ms" : "-";
    }

    /** The requests of one phase: when each was due, how long to its answer, what went wrong. */
    private final class Phase {
        final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        final Map<Long, Long> scheduledAt = new java.util.concurrent.ConcurrentHashMap<>();
        final AtomicLong errors = new AtomicLong();
        final AtomicLong timeouts = new AtomicLong();
        final AtomicLong lastAnswer = new AtomicLong();
        final List<String> firstErrors = java.util.Collections.synchronizedList(new ArrayList<>());
        long start;
        int requests;

        void report(ObjectNode node) {
            List<Long> sorted = new ArrayList<>(latencies);
            percentiles(node, sorted);
            node.put("requests", requests).put("errors", errors.get()).put("timeouts", timeouts.get());
            node.put("requestsPerSecond", requests / Math.max(0.001, (lastAnswer.get() - start) / 1000.0));
            node.putArray("firstErrors").addAll(firstErrors.stream().limit(5).map(node::textNode).toList());
        }
    }

    private static void percentiles(ObjectNode node, List<Long> values) {
        if (values.isEmpty()) {
            return;
        }
        Long[] sorted = values.toArray(new Long[0]);
        Arrays.sort(sorted);
        node.put("count", sorted.length);
        node.put("p50", sorted[(int) Math.min(sorted.length - 1, Math.floor(sorted.length * 0.50))]);
        node.put("p99", sorted[(int) Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]);
        node.put("max", sorted[sorted.length - 1]);
    }

    private Phase sendOrders(long firstId, int count, double rate) throws InterruptedException {
        long paymentDelayMs = intOption("payment-delay-ms", 100);
        List<Request> requests = new ArrayList<>();
        for (long id = firstId; id < firstId + count; id++) {
            long due = rate <= 0 ? 0 : (long) ((id - firstId) * 1_000_000_000L / rate);
            byte[] order = BenchOrders.wooOrder(id).getBytes(StandardCharsets.UTF_8);
            requests.add(new Request(id, due, "/webhooks/shop/" + BenchOrders.CHANNEL, order, BenchOrders.wooHeaders(id, order), false));
            byte[] payment = BenchOrders.stripeSucceeded(id).getBytes(StandardCharsets.UTF_8);
            requests.add(new Request(id, due + (rate <= 0 ? 0 : paymentDelayMs * 1_000_000), "/webhooks/payment/"
                    + BenchOrders.STRIPE_PROVIDER, payment, null, true));
        }
        requests.sort(java.util.Comparator.comparingLong(Request::dueNanos));
        return send(requests);
    }

    private Phase sendBaseline(long firstId, int count, double rate) throws InterruptedException {
        List<Request> requests = new ArrayList<>();
        for (long id = firstId; id < firstId + count; id++) {
            long due = rate <= 0 ? 0 : (long) ((id - firstId) * 1_000_000_000L / rate);
            byte[] order = BenchOrders.wooOrder(id).getBytes(StandardCharsets.UTF_8);
            requests.add(new Request(id, due, "/webhooks/bench-baseline", order, BenchOrders.wooHeaders(id, order), false));
        }
        return send(requests);
    }

    private record Request(long id, long dueNanos, String path, byte[] body, Map<String, String> headers, boolean stripe) {
    }

    /** Open model: each request leaves at its due time (or as soon as one of max-in-flight slots is free). */
    private Phase send(List<Request> requests) throws InterruptedException {
        Phase phase = new Phase();
        phase.requests = requests.size();
        Semaphore slots = new Semaphore(intOption("max-in-flight", 256));
        long timeoutMs = intOption("request-timeout-ms", 10_000);
        long origin = System.nanoTime();
        phase.start = System.currentTimeMillis();
        for (Request r : requests) {
            long wait = origin + r.dueNanos() - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            slots.acquire();
            long dueNanos = origin + r.dueNanos();
            long dueMillis = phase.start + r.dueNanos() / 1_000_000;
            if (r.stripe()) {
                phase.scheduledAt.put(r.id(), dueMillis);
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + r.path()))
                    .timeout(Duration.ofMillis(timeoutMs)).POST(HttpRequest.BodyPublishers.ofByteArray(r.body()));
            (r.stripe() ? BenchOrders.stripeHeaders(r.body()) : r.headers()).forEach(request::header);
            http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
                long now = System.nanoTime();
                phase.latencies.add((now - dueNanos) / 1_000_000);
                phase.lastAnswer.accumulateAndGet(System.currentTimeMillis(), Math::max);
                if (failure != null) {
                    (failure instanceof java.net.http.HttpTimeoutException
                            || failure.getCause() instanceof java.net.http.HttpTimeoutException ? phase.timeouts : phase.errors)
                            .incrementAndGet();
                    phase.firstErrors.add(r.path() + ": " + failure);
                } else if (response.statusCode() != 200 || !response.body().contains("\"status\"")) {
                    phase.errors.incrementAndGet();
                    phase.firstErrors.add(r.path() + ": HTTP " + response.statusCode() + " " + response.body());
                }
                slots.release();
            });
        }
        slots.acquire(intOption("max-in-flight", 256));   // every answer in
        slots.release(intOption("max-in-flight", 256));
        return phase;
    }

    /**
     * Polls the stubs until every order of the range is confirmed in the ERP and has its mail and SMS (and, with the
     * WMS, its shipped mail, the shop's completion and the ERP's Delivery Note).
     */
    private JsonNode waitForOrders(long firstId, int count, int timeoutSeconds, Long since) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutSeconds * 1000L;
        JsonNode stats;
        int lastDone = -1;
        long lastPrint = 0;
        while (true) {
            stats = stubStats();
            int done = 0;
            for (long id = firstId; id < firstId + count; id++) {
                String n = String.valueOf(id);
                if (stats.path("erpOrders").path(BenchOrders.CHANNEL + "-" + id).path(1).asLong() >= 1
                        && stats.path("mails").path(n).asLong() >= 1 && stats.path("sms").path(n).asLong() >= 1
                        && (!wms || stats.path("shippedMails").path(n).path(0).asLong() >= 1
                                && stats.path("shopCompleted").path(n).asLong() >= 1
                                && stats.path("deliveryNotes").path(n).asLong() >= 1)) {
                    done++;
                }
            }
            if (done != lastDone && (System.currentTimeMillis() - lastPrint > 5000 || done == count)) {
                lastPrint = System.currentTimeMillis();
                System.out.printf("  %d / %d orders done%n", done, count);
                lastDone = done;
            }
            if (done == count || System.currentTimeMillis() > deadline || !connector.isAlive()) {
                break;
            }
            Thread.sleep(500);
        }
        Thread.sleep(1000);   // late duplicates would show now
        return stubStats();
    }

    private JsonNode stubStats() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + stubPort + "/stats"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        return BenchOrders.JSON.readTree(response.body());
    }

    private void startStubs() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        stubs = new ProcessBuilder(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                BenchStubs.class.getName(), "--port", String.valueOf(stubPort), "--smtp-port", String.valueOf(smtpPort),
                "--erp-latency-ms", options.getOrDefault("erp-latency-ms", "0"), "--connector-port", String.valueOf(port),
                "--ship-delay-ms", options.getOrDefault("ship-delay-ms", "200"))
                .redirectErrorStream(true).redirectOutput(workDir.resolve("stubs.log").toFile()).start();
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            try {
                stubStats();
                return;
            } catch (IOException notYet) {
                if (System.currentTimeMillis() > deadline || !stubs.isAlive()) {
                    throw new IllegalStateException("stubs did not start: see " + workDir.resolve("stubs.log"));
                }
                Thread.sleep(200);
            }
        }
    }

    private void startConnector(Path dataDir) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String stub = "http://127.0.0.1:" + stubPort;
        Path project = Path.of("").toAbsolutePath();
        ObjectNode config = BenchOrders.JSON.createObjectNode();
        ObjectNode of = config.putObject("orderflow");
        of.put("data-dir", dataDir.toString()).put("routes-dir", project.resolve("routes").toString())
                .put("mappings-dir", project.resolve("mappings").toString());
        of.putObject("bench").put("baseline-endpoint", true);
        ObjectNode channel = of.putObject("channels").putObject(BenchOrders.CHANNEL);
        channel.put("type", "woocommerce").putArray("webhook-secrets").add(BenchOrders.WOO_SECRET);
        // The stub shop is not rate limited; the channel's own limit (default 2/s) would pace the gate's order fetches
        // (a payment that overtakes its order) and measure WooCommerce's pacing instead of the connector.
        channel.putObject("api").put("base-url", stub + "/shop").put("consumer-key", "ck_bench").put("consumer-secret", "cs_bench")
                .put("max-requests-per-second", intOption("shop-max-requests-per-second", 1000));
        channel.putObject("stock").put("source", "none");
        ObjectNode stripe = of.putObject("payment-providers").putObject(BenchOrders.STRIPE_PROVIDER);
        stripe.put("type", "stripe").put("default-channel", BenchOrders.CHANNEL).putArray("webhook-secrets").add(BenchOrders.STRIPE_SECRET);
        ObjectNode erp = of.putObject("erp");
        erp.put("kind", "erpnext").put("url", stub + "/erp")
                .put("max-requests-per-second", intOption("erp-max-requests-per-second", 100_000));
        erp.putObject("erpnext").put("api-key", "bench-key").put("api-secret", "bench-secret").put("company", "Bench Company")
                .put("warehouse", "Stores - B").putObject("tax-accounts").put("19", "VAT 19% - B");
        erp.putObject("charges").put("shipping-account", "Freight and Forwarding Charges - B");
        of.putObject("stock").put("sync-interval", "0");
        ObjectNode notifications = of.putObject("notifications");
        notifications.put("shop-name", "Bench Shop");
        ObjectNode events = notifications.putObject("events");
        events.putArray("order-confirmed").add("email").add("sms");
        if (wms) {
            events.putArray("shipped").add("email");
            of.putObject("wms").put("kind", "rest").put("id", BenchOrders.WMS_ID).put("url", stub + "/wms")
                    .put("api-key", "bench-wms-key").put("max-requests-per-minute", 6_000_000)
                    .putArray("webhook-secrets").add(BenchOrders.WMS_SECRET);
        }
        notifications.putObject("email").put("host", "127.0.0.1").put("port", smtpPort).put("start-tls", false)
                .put("from", "Bench Shop <orders@bench-shop.example>");
        // Twilio's request limit lifted like the ERP's and the shop's (default 10/s: with an SMS per order it would
        // measure that limit, 10 orders/s, instead of the connector).
        notifications.putObject("sms").putObject("twilio").put("base-url", stub + "/twilio")
                .put("account-sid", "ACbench00000000000000000000000000").put("auth-token", "bench-token").put("from", "+15005550006")
                .put("max-requests-per-second", intOption("sms-max-requests-per-second", 100_000));
        config.putObject("server").put("port", port).put("address", "127.0.0.1");
        config.putObject("spring").putObject("security").putObject("user").put("password", adminPassword);
        for (Map.Entry<String, String> extra : options.entrySet()) {
            if (extra.getKey().startsWith("set.")) {   // --set.orderflow.x=y: any connector property
                config.put(extra.getKey().substring(4), extra.getValue());
            }
        }
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + options.getOrDefault("xmx", "768m")));
        if (options.containsKey("jvm-args")) {
            command.addAll(List.of(options.get("jvm-args").split(" ")));
        }
        command.addAll(List.of("-jar", options.getOrDefault("jar", "target/orderflow.jar")));
        for (Map.Entry<String, String> extra : options.entrySet()) {
            if (extra.getKey().startsWith("set.")) {
                command.add("--" + extra.getKey().substring(4) + "=" + extra.getValue());
            }
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(workDir.resolve("connector.log").toFile());
        builder.environment().put("SPRING_APPLICATION_JSON", config.toString());
        connector = builder.start();
    }

    private long waitHealthy() throws Exception {
        long start = System.currentTimeMillis();
        while (System.currentTimeMillis() - start < 180_000) {
            if (!connector.isAlive()) {
                throw new IllegalStateException("connector exited: see " + workDir.resolve("connector.log"));
            }
            try {
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/actuator/health")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200 && health.body().contains("UP")) {
                    return System.currentTimeMillis() - start;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("connector not healthy within 180 s");
    }

    /** The connector's CPU seconds (user + system, /proc/pid/stat) and bytes written (/proc/pid/io wchar). */
    private double[] cpuAndIo() throws IOException {
        String stat = Files.readString(Path.of("/proc/" + connector.pid() + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        double ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);   // utime, stime
        double written = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + connector.pid() + "/io"))) {
                if (line.startsWith("wchar:")) {
                    written = Double.parseDouble(line.substring(6).trim());
                }
            }
        } catch (IOException unreadable) {
            written = -1;
        }
        return new double[] {ticks / 100.0, written};
    }

    /**
     * The connector's used heap after a full GC ({@code jcmd GC.run}, then {@code GC.heap_info}); 0 if jcmd fails. The
     * class histogram of the live heap goes to {@code heap-histogram-<when>.txt} in the work directory.
     */
    private long heapAfterGcKb(String when) {
        try {
            String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
            String pid = String.valueOf(connector.pid());
            new ProcessBuilder(jcmd, pid, "GC.class_histogram").redirectErrorStream(true)
                    .redirectOutput(workDir.resolve("heap-histogram-" + when + ".txt").toFile()).start().waitFor();
            Process info = new ProcessBuilder(jcmd, pid, "GC.heap_info").redirectErrorStream(true).start();
            String text = new String(info.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            info.waitFor();
            java.util.regex.Matcher used = java.util.regex.Pattern.compile("used (\\d+)K").matcher(text);
            return used.find() ? Long.parseLong(used.group(1)) : 0;
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private long peakRssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + connector.pid() + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    private void stop() {
        for (Process p : new Process[] {connector, stubs}) {
            if (p != null && p.isAlive()) {
                p.destroy();
                try {
                    if (!p.waitFor(30, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static long treeSize(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.map(Path::toFile).filter(File::isFile).mapToLong(File::length).sum();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }

    static Instant now() {
        return Instant.now();
    }
}

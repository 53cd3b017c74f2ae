package io.orderflow.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.orderflow.broker.LastValueStore;
import jakarta.jms.Connection;
import jakarta.jms.Session;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.springframework.jms.connection.CachingConnectionFactory;
import org.springframework.jms.core.JmsTemplate;

/**
 * The state-lookup benchmark (issue 13; docs/performance.md, "State lookups"): how long "the latest state of this
 * key" takes on orderflow's state store ({@link LastValueStore}, browse with a selector on non-destructive last-value
 * queues) as the store fills up, for a key that is there (hit) and one that is not (miss), with the state spread over
 * 1 queue (every store but the order status before issue 13) or more. Not a test: run it with {@code scripts/bench-state}.
 *
 * <p>Per bucket count: a fresh embedded, persistent Artemis (journal under target/bench-state), the queues created
 * as orderflow creates them, the store filled in transactions of 1,000 states of {@code --state-bytes} each up to each
 * size in {@code --sizes}; at each size {@code --lookups} hits (random stored keys) and as many misses, after a warm-up,
 * timed one by one. Also the broker heap per (empty) state queue. Output: one table row per bucket count and size.
 */
public final class StateLookupBench {

    public static void main(String[] args) throws Exception {
        // Artemis's audit log (INFO under logback's defaults) would write a line per browse: off, as in the connector.
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        List<Integer> sizes = List.of(1_000, 10_000, 100_000);
        List<Integer> bucketCounts = List.of(1, 32, 1024);
        int lookups = 300;
        int stateBytes = 1500;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--sizes" -> sizes = ints(args[++i]);
                case "--buckets" -> bucketCounts = ints(args[++i]);
                case "--lookups" -> lookups = Integer.parseInt(args[++i]);
                case "--state-bytes" -> stateBytes = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (--sizes 1000,10000,100000 --buckets 1,32,1024 --lookups 300 --state-bytes 1500)");
            }
        }
        System.out.printf("State lookup: %d hits + %d misses per row, states of %d bytes, JVM %s, %d cores%n",
                lookups, lookups, stateBytes, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        System.out.printf("%8s %9s %12s %12s %12s %12s%n", "buckets", "keys", "hit mean ms", "hit p50 ms", "miss mean ms",
                "miss p50 ms");
        for (int buckets : bucketCounts) {
            run(buckets, sizes, lookups, stateBytes);
        }
    }

    private static void run(int buckets, List<Integer> sizes, int lookups, int stateBytes) throws Exception {
        Path dir = Path.of("target/bench-state/" + buckets).toAbsolutePath();
        deleteTree(dir);
        ConfigurationImpl config = new ConfigurationImpl();
        config.setPersistenceEnabled(true).setSecurityEnabled(false).setJMXManagementEnabled(false);
        config.setJournalDirectory(dir.resolve("journal").toString()).setBindingsDirectory(dir.resolve("bindings").toString())
                .setPagingDirectory(dir.resolve("paging").toString())
                .setLargeMessagesDirectory(dir.resolve("large").toString())
                .setNodeManagerLockDirectory(dir.toString());
        config.addAcceptorConfiguration("in-vm", "vm://0");
        List<String> queues = new ArrayList<>();
        for (int b = 0; b < buckets; b++) {
            queues.add(buckets == 1 ? "bench.state" : String.format("bench.state.%04d", b));
        }
        long heapBefore = usedHeap();
        for (String queue : queues) {
            config.addQueueConfiguration(QueueConfiguration.of(queue).setAddress(queue).setRoutingType(RoutingType.ANYCAST)
                    .setDurable(true).setLastValue(true).setLastValueKey("orderKey").setNonDestructive(true));
        }
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ().setConfiguration(config);
        long startedAt = System.nanoTime();
        broker.start();
        long startMs = (System.nanoTime() - startedAt) / 1_000_000;
        long heapPerQueue = (usedHeap() - heapBefore) / buckets;
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory("vm://0");
        CachingConnectionFactory caching = new CachingConnectionFactory(factory);
        caching.setSessionCacheSize(4);
        try {
            JmsTemplate jms = new JmsTemplate(caching);
            LastValueStore store = new LastValueStore(jms, queues, "orderKey");
            String state = "{\"pad\":\"" + "x".repeat(Math.max(0, stateBytes - 10)) + "\"}";
            Random random = new Random(13);
            int filled = 0;
            for (int size : sizes) {
                filled = fill(factory, store, filled, size, state);
                double[] hits = time(lookups, () -> {
                    String key = key(random.nextInt(size));
                    if (store.latest(key) == null) {
                        throw new IllegalStateException("stored key not found: " + key);
                    }
                });
                double[] misses = time(lookups, () -> {
                    String key = "missing:" + random.nextInt(Integer.MAX_VALUE);
                    if (store.latest(key) != null) {
                        throw new IllegalStateException("missing key found: " + key);
                    }
                });
                System.out.printf("%8d %9d %12.3f %12.3f %12.3f %12.3f%n", buckets, size, hits[0], hits[1], misses[0],
                        misses[1]);
            }
            System.out.printf("%8d buckets: about %d KB of heap per empty state queue (broker start, measured crudely);"
                    + " first start of the broker with them %d ms%n", buckets, heapPerQueue / 1024, startMs);
        } finally {
            caching.destroy();
            factory.close();
            broker.stop();
            deleteTree(dir);
        }
    }

    private static int fill(ActiveMQConnectionFactory factory, LastValueStore store, int from, int to, String state)
            throws Exception {
        try (Connection connection = factory.createConnection();
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED)) {
            for (int i = from; i < to; i++) {
                store.send(session, key(i), state, Map.of(), null);
                if ((i + 1) % 1000 == 0) {
                    session.commit();
                }
            }
            session.commit();
        }
        return to;
    }

    private static String key(int i) {
        return "bench-shop:" + (5_100_000_000L + i);
    }

    /** Mean and median in ms of n timed runs, after n/3 untimed ones. */
    private static double[] time(int n, Runnable lookup) {
        for (int i = 0; i < Math.max(20, n / 3); i++) {
            lookup.run();
        }
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            lookup.run();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        double mean = Arrays.stream(ms).average().orElse(0);
        Arrays.sort(ms);
        return new double[] {mean, ms[n / 2]};
    }

    private static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static List<Integer> ints(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).map(Integer::parseInt).toList();
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private StateLookupBench() {
    }
}

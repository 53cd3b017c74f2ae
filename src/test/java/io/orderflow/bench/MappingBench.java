package io.orderflow.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.dashjoin.jsonata.Jsonata;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orderflow.mapping.JsonataMappingFiles;

/**
 * The mapping benchmark (issue 13; docs/performance.md, "Mappings: flat per evaluation"): does a mapping cost the
 * same on its 5,000th use as on its first? Every JSONata mapping in mappings/ with golden examples is evaluated
 * {@code --evaluations} times (default 5,000) on its first example's input, the way the connector runs it
 * ({@link JsonataMappingFiles}: the text kept, an expression parsed per evaluation), and the mean cost of the
 * evaluations in the first and the last tenth is compared (after {@code --warmup} uncounted ones). With
 * {@code --reused <mapping>} the same for one parsed expression used again and again (how the connector ran
 * mappings before), for {@code --reused-evaluations} (default 1,500). Not a test: run it with
 * {@code scripts/bench-mappings}; exits 1 when a mapping's last tenth costs more than {@code --max-growth} (1.25)
 * times its first.
 */
public final class MappingBench {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Bench.options(args);
        int evaluations = Integer.parseInt(options.getOrDefault("evaluations", "5000"));
        int warmup = Integer.parseInt(options.getOrDefault("warmup", "500"));
        double maxGrowth = Double.parseDouble(options.getOrDefault("max-growth", "1.25"));
        Path mappings = Path.of(options.getOrDefault("mappings-dir", "mappings"));
        JsonataMappingFiles files = new JsonataMappingFiles();

        System.out.printf("%-44s %12s %12s %8s%n", "mapping (as orderflow runs it)", "first µs", "last µs", "growth");
        boolean failed = false;
        for (Path mapping : mappingsWithExamples(mappings)) {
            Object input = firstInput(mapping);
            for (int i = 0; i < warmup; i++) {
                Jsonata e = files.expression(mapping);
                e.evaluate(input, e.createFrame());
            }
            double[] costs = time(evaluations, () -> {
                Jsonata e = files.expression(mapping);
                e.evaluate(input, e.createFrame());
            });
            double growth = costs[1] / costs[0];
            failed |= growth > maxGrowth;
            System.out.printf("%-44s %12.1f %12.1f %7.2fx%s%n", mapping.getFileName(), costs[0], costs[1], growth,
                    growth > maxGrowth ? "  <- grows" : "");
        }
        if (options.containsKey("reused")) {
            Path mapping = mappings.resolve(options.get("reused"));
            int n = Integer.parseInt(options.getOrDefault("reused-evaluations", "1500"));
            Object input = firstInput(mapping);
            Jsonata shared = Jsonata.jsonata(files.text(mapping));
            double[] costs = time(n, () -> shared.evaluate(input, shared.createFrame()));
            System.out.printf("%-44s %12.1f %12.1f %7.2fx  (one parsed expression reused, %d evaluations)%n",
                    mapping.getFileName(), costs[0], costs[1], costs[1] / costs[0], n);
        }
        if (failed) {
            System.out.println("FAILED: a mapping's cost grows with use (more than " + maxGrowth + "x)");
            System.exit(1);
        }
    }

    /** Mean µs of the first and of the last tenth of {@code n} timed runs. */
    private static double[] time(int n, Run run) throws Exception {
        long[] nanos = new long[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            run.run();
            nanos[i] = System.nanoTime() - start;
        }
        int tenth = Math.max(1, n / 10);
        return new double[] {Arrays.stream(nanos, 0, tenth).average().orElse(0) / 1000.0,
                Arrays.stream(nanos, n - tenth, n).average().orElse(0) / 1000.0};
    }

    private static List<Path> mappingsWithExamples(Path dir) throws IOException {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".jsonata")
                        && Files.isDirectory(dir.resolve(name.replace(".jsonata", ".examples")))) {
                    found.add(file);
                }
            }
        }
        return found;
    }

    private static Object firstInput(Path mapping) throws IOException {
        Path examples = mapping.resolveSibling(mapping.getFileName().toString().replace(".jsonata", ".examples"));
        try (Stream<Path> files = Files.list(examples)) {
            Path input = files.filter(f -> f.getFileName().toString().endsWith(".input.json")).sorted().findFirst()
                    .orElseThrow(() -> new IllegalStateException("no *.input.json in " + examples));
            return JSON.readValue(input.toFile(), Object.class);
        }
    }

    private interface Run {
        void run() throws Exception;
    }
}

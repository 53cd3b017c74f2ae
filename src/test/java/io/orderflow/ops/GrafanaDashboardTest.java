package io.orderflow.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * The provisioned Grafana dashboard (docker/grafana/dashboards/orderflow.json) shows meters that exist: every
 * orderflow_* series its queries read is a meter the code registers (Prometheus names: dots become underscores,
 * timers add _seconds_*, counters _total). A renamed meter fails here instead of leaving an empty panel.
 */
class GrafanaDashboardTest {

    private static final Pattern SERIES = Pattern.compile("\\b(orderflow_[a-z_]+)");

    @Test
    void everyOrderflowSeriesOfTheDashboardIsAMeterOfTheCode() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(Path.of("docker/grafana/dashboards/orderflow.json").toFile());
        Set<String> meters = new TreeSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(panel.path("targets")).as("queries of panel " + panel.path("title").asText()).isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                Matcher m = SERIES.matcher(target.path("expr").asText());
                while (m.find()) {
                    meters.add(m.group(1).replaceAll("_(seconds_bucket|seconds_count|seconds_sum|seconds_max|seconds|total)$", "")
                            .replace('_', '.'));
                }
            }
        }
        assertThat(meters).as("meters the dashboard reads").contains("orderflow.order.processing.time",
                "orderflow.orders.parked", "orderflow.fulfilment.accuracy");

        String code = code();
        List<String> unknown = new ArrayList<>();
        for (String meter : meters) {
            if (!code.contains("\"" + meter + "\"") && !code.contains(":" + meter + "\n") && !code.contains(":" + meter + "\"")) {
                unknown.add(meter);
            }
        }
        assertThat(unknown).as("dashboard meters no code registers").isEmpty();
    }

    private static String code() throws IOException {
        StringBuilder all = new StringBuilder();
        for (String root : List.of("src/main/java", "routes")) {
            try (Stream<Path> files = Files.walk(Path.of(root))) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    all.append(Files.readString(f)).append('\n');
                }
            }
        }
        return all.toString();
    }
}

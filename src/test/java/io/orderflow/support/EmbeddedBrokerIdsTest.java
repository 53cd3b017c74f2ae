package io.orderflow.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Every Spring test context runs its own embedded Artemis, reached in-VM by its spring.artemis.embedded.server-id.
 * Spring caches contexts for the whole test JVM, so two test classes with the same id share one broker: one
 * context's stages then consume the other's messages (an order of the simulator test handled by an Odoo test's ERP
 * stage), and tests fail depending on their order. Each id is used by one test class only.
 */
class EmbeddedBrokerIdsTest {

    private static final Pattern ID = Pattern.compile("spring\\.artemis\\.embedded\\.server-id=(\\d+)");

    @Test
    void everyTestClassHasItsOwnEmbeddedBroker() throws IOException {
        Map<Integer, List<String>> users = new TreeMap<>();
        try (Stream<Path> sources = Files.walk(Path.of("src/test/java"))) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = ID.matcher(Files.readString(source));
                while (m.find()) {
                    users.computeIfAbsent(Integer.valueOf(m.group(1)), k -> new ArrayList<>()).add(source.getFileName().toString());
                }
            }
        }
        assertThat(users).as("server ids in use").hasSizeGreaterThan(30);
        assertThat(users.entrySet().stream().filter(e -> e.getValue().stream().distinct().count() > 1))
                .as("server ids used by more than one test class").isEmpty();
    }
}

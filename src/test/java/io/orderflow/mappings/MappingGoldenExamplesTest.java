package io.orderflow.mappings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.orderflow.support.MappingRunner;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every golden example in mappings/: for a mapping {@code X.jsonata} the folder {@code X.examples/} holds
 * {@code NAME.input.json} and {@code NAME.expected.json}. The mapping runs through the same Camel jsonata endpoint
 * options the routes use; the output must equal the expected file, and every expected output that claims to be a
 * canonical event must pass its schema (canonical-order / canonical-payment.schema.json), and every example without
 * an orderKey must fail it (an event the route parks for review).
 *
 * <p>When an expected file is missing or differs, the actual output is written beside it as
 * {@code NAME.actual.json} (ignored by git) so an integrator can review it and, if it is right, rename it.
 */
class MappingGoldenExamplesTest {

    static final Path MAPPINGS = Path.of("mappings");
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Test
    void everyMappingHasGoldenExamples() throws IOException {
        List<String> missing = new ArrayList<>();
        try (Stream<Path> files = Files.list(MAPPINGS)) {
            for (Path mapping : files.filter(p -> p.toString().endsWith(".jsonata")).toList()) {
                Path examples = examplesOf(mapping);
                if (!Files.isDirectory(examples) || inputs(examples).isEmpty()) {
                    missing.add(mapping.getFileName().toString());
                }
            }
        }
        assertEquals(List.of(), missing, "mappings without golden examples");
    }

    @TestFactory
    Stream<DynamicTest> goldenExamples() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> files = Files.list(MAPPINGS)) {
            for (Path mapping : files.filter(p -> p.toString().endsWith(".jsonata")).sorted().toList()) {
                for (Path input : inputs(examplesOf(mapping))) {
                    String name = mapping.getFileName() + " / " + input.getFileName();
                    tests.add(DynamicTest.dynamicTest(name, () -> runExample(mapping, input)));
                }
            }
        }
        assertFalse(tests.isEmpty(), "no golden examples found under " + MAPPINGS.toAbsolutePath());
        return tests.stream();
    }

    private static void runExample(Path mapping, Path input) throws IOException {
        String output = MappingRunner.map(mapping, Files.readString(input));
        JsonNode actual = JSON.readTree(output);
        Path expectedFile = sibling(input, ".expected.json");
        Path actualFile = sibling(input, ".actual.json");
        if (!Files.exists(expectedFile)) {
            Files.writeString(actualFile, JSON.writeValueAsString(actual) + "\n", StandardCharsets.UTF_8);
            fail("no " + expectedFile + "; the output is in " + actualFile + ": review it and rename it");
        }
        JsonNode expected = JSON.readTree(expectedFile.toFile());
        if (!expected.equals(actual)) {
            Files.writeString(actualFile, JSON.writeValueAsString(actual) + "\n", StandardCharsets.UTF_8);
        } else {
            Files.deleteIfExists(actualFile);
        }
        assertEquals(JSON.writeValueAsString(expected), JSON.writeValueAsString(actual),
                "mapping output changed for " + input + " (actual output written to " + actualFile + ")");
        // A canonical event must pass its schema; an example without an orderKey shows an input that the schema
        // rejects (the route parks it for review), so it must fail it.
        if (expected.isArray() && mapping.getFileName().toString().endsWith("-to-canonical.jsonata")) {
            // Canonical shipment events (one per package): each must pass canonical-shipment.schema.json.
            for (JsonNode event : expected) {
                MappingRunner.validate(MAPPINGS.resolve("canonical-shipment.schema.json"), JSON.writeValueAsString(event));
            }
            return;
        }
        if (!expected.has("schemaVersion")) {
            return; // an ERP/WMS request body, not a canonical event: its shape is the golden example itself
        }
        String event = expected.path("event").asText();
        String schema = event.startsWith("payment.") ? "canonical-payment.schema.json" : "canonical-order.schema.json";
        Path schemaFile = MAPPINGS.resolve(schema);
        if (expected.has("orderKey")) {
            MappingRunner.validate(schemaFile, JSON.writeValueAsString(expected));
        } else {
            assertThrows(org.apache.camel.CamelExecutionException.class,
                    () -> MappingRunner.validate(schemaFile, JSON.writeValueAsString(expected)), input + " should fail " + schema);
        }
    }

    private static Path examplesOf(Path mapping) {
        String file = mapping.getFileName().toString();
        return mapping.resolveSibling(file.substring(0, file.length() - ".jsonata".length()) + ".examples");
    }

    private static List<Path> inputs(Path examples) throws IOException {
        if (!Files.isDirectory(examples)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(examples)) {
            return files.filter(p -> p.toString().endsWith(".input.json")).sorted().toList();
        }
    }

    private static Path sibling(Path input, String suffix) {
        String file = input.getFileName().toString();
        return input.resolveSibling(file.substring(0, file.length() - ".input.json".length()) + suffix);
    }
}

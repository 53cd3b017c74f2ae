package io.orderflow.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden examples of the notification templates, like MappingGoldenExamplesTest for the JSONata mappings: for every
 * event {@code E} of a language folder {@code mappings/notifications/<language>/} the folder {@code E.examples/} holds
 * {@code NAME.input.json} (a notification request as it arrives on orderflow.notify.requests) and what it renders to,
 * with the shop name "Demo Shop": {@code NAME.subject.txt}, {@code NAME.html}, {@code NAME.txt} and, when the event
 * has an SMS template, {@code NAME.sms.txt}. A missing or different expected file gets the actual output written
 * beside it as {@code NAME.actual.<part>} (ignored by git) to review and, if it is right, rename.
 */
class NotificationTemplatesGoldenTest {

    static final Path ROOT = Path.of("mappings", "notifications");
    static final ObjectMapper JSON = new ObjectMapper();
    static final NotificationTemplates TEMPLATES = new NotificationTemplates(ROOT);

    @Test
    void everyTemplateHasGoldenExamplesAndEveryEventTheFlowProducesHasATemplate() throws IOException {
        List<String> missing = new ArrayList<>();
        for (Path language : languages()) {
            for (String event : events(language)) {
                Path examples = language.resolve(event + ".examples");
                if (!Files.isDirectory(examples) || inputs(examples).isEmpty()) {
                    missing.add(ROOT.relativize(language) + "/" + event);
                }
            }
        }
        assertEquals(List.of(), missing, "templates without golden examples");
        for (String event : List.of("order-confirmed", "payment-failed", "order-cancelled-unpaid", "backorder")) {
            for (String part : NotificationTemplates.PARTS) {
                if (!Files.isRegularFile(ROOT.resolve("en").resolve(event + "." + part + ".mustache"))) {
                    fail("missing template en/" + event + "." + part + ".mustache");
                }
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> goldenExamples() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path language : languages()) {
            for (String event : events(language)) {
                for (Path input : inputs(language.resolve(event + ".examples"))) {
                    tests.add(DynamicTest.dynamicTest(ROOT.relativize(input).toString(),
                            () -> runExample(language.getFileName().toString(), event, input)));
                }
            }
        }
        return tests.stream();
    }

    private static void runExample(String language, String event, Path input) throws IOException {
        Map<String, Object> model = NotificationTemplates.model(JSON.readTree(Files.readString(input)), "Demo Shop");
        NotificationTemplates.Rendered rendered = TEMPLATES.render(language, event, model);
        String name = input.getFileName().toString().replace(".input.json", "");
        List<String> differences = new ArrayList<>();
        compare(input, name, "subject.txt", rendered.subject(), differences);
        compare(input, name, "html", rendered.html(), differences);
        compare(input, name, "txt", rendered.text(), differences);
        if (rendered.sms() != null) {
            compare(input, name, "sms.txt", rendered.sms(), differences);
        }
        if (!differences.isEmpty()) {
            fail("rendered output differs from the golden example in " + differences
                    + " (actual written beside it as " + name + ".actual.*)");
        }
    }

    private static void compare(Path input, String name, String suffix, String actual, List<String> differences)
            throws IOException {
        Path expectedFile = input.resolveSibling(name + "." + suffix);
        Path actualFile = input.resolveSibling(name + ".actual." + suffix);
        String expected = Files.isRegularFile(expectedFile) ? Files.readString(expectedFile, StandardCharsets.UTF_8) : null;
        if (!actual.equals(expected)) {
            Files.writeString(actualFile, actual, StandardCharsets.UTF_8);
            differences.add(expectedFile.getFileName().toString());
        } else {
            Files.deleteIfExists(actualFile);
        }
    }

    private static List<Path> languages() throws IOException {
        try (Stream<Path> dirs = Files.list(ROOT)) {
            return dirs.filter(Files::isDirectory).sorted().toList();
        }
    }

    private static List<String> events(Path language) throws IOException {
        try (Stream<Path> files = Files.list(language)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".txt.mustache"))
                    .map(n -> n.substring(0, n.length() - ".txt.mustache".length())).sorted().toList();
        }
    }

    private static List<Path> inputs(Path examples) throws IOException {
        if (!Files.isDirectory(examples)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(examples)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".input.json")).sorted().toList();
        }
    }
}

package io.orderflow.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.dashjoin.jsonata.Jsonata;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the stages run a mapping file: a new expression for every evaluation (a parsed expression used again gets
 * slower with every use, without bound: scripts/bench-mappings), the file's text re-read only when it changed, and the
 * same golden result from several threads and many uses.
 */
class JsonataMappingFilesTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path MAPPING = Path.of("mappings/woocommerce-order-to-canonical.jsonata");
    static final Path EXAMPLE = Path.of("mappings/woocommerce-order-to-canonical.examples/order-created");

    @Test
    void everyEvaluationGetsAnExpressionOfItsOwn() throws Exception {
        JsonataMappingFiles files = new JsonataMappingFiles();
        Jsonata first = files.expression(MAPPING);
        Jsonata second = files.expression(MAPPING);
        assertThat(second).isNotSameAs(first);
    }

    @Test
    void fourThreadsAndTwoHundredUsesEachGiveTheGoldenResult() throws Exception {
        JsonataMappingFiles files = new JsonataMappingFiles();
        Object input = JSON.readValue(Path.of(EXAMPLE + ".input.json").toFile(), Object.class);
        JsonNode expected = JSON.readTree(Path.of(EXAMPLE + ".expected.json").toFile());
        List<Callable<Integer>> workers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            workers.add(() -> {
                int same = 0;
                for (int i = 0; i < 200; i++) {
                    Jsonata e = files.expression(MAPPING);
                    JsonNode out = JSON.readTree(JSON.writeValueAsString(e.evaluate(input, e.createFrame())));
                    same += out.equals(expected) ? 1 : 0;
                }
                return same;
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (Future<Integer> result : pool.invokeAll(workers)) {
                assertThat(result.get()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anEditedFileIsReadAgainAndAnUnchangedOneIsNot(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("greeting.jsonata");
        Files.writeString(file, "\"hello \" & name");
        JsonataMappingFiles files = new JsonataMappingFiles();
        assertThat(evaluate(files, file)).isEqualTo("hello Ada");

        Files.writeString(file, "\"good morning, \" & name");
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        assertThat(evaluate(files, file)).isEqualTo("good morning, Ada");

        // Same size and time as what was read: the kept text is used (no disk read per evaluation).
        FileTime time = Files.getLastModifiedTime(file);
        Files.writeString(file, "\"good evening, \" & name");
        Files.setLastModifiedTime(file, time);
        assertThat(evaluate(files, file)).isEqualTo("good morning, Ada");
    }

    private static Object evaluate(JsonataMappingFiles files, Path file) throws Exception {
        Jsonata e = files.expression(file);
        return e.evaluate(java.util.Map.of("name", "Ada"), e.createFrame());
    }
}

package io.orderflow.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/** A private copy of mappings/ for a test that breaks a mapping on purpose (and fixes it) without touching the real one. */
public final class MappingsCopy {

    private MappingsCopy() {
    }

    /** The top-level mapping files copied into a new temporary directory. */
    public static Path create() {
        try {
            Path target = Files.createTempDirectory("orderflow-mappings");
            try (Stream<Path> files = Files.list(Path.of("mappings"))) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(file, target.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a copy made by {@link #create()}. */
    public static void delete(Path copy) throws IOException {
        try (Stream<Path> files = Files.list(copy)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(copy);
    }

    /** Until the condition holds, at most 15 s. */
    public static void await(java.util.function.BooleanSupplier condition) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15))
                .pollInterval(java.time.Duration.ofMillis(100)).until(condition::getAsBoolean);
    }
}

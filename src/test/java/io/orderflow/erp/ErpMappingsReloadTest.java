package io.orderflow.erp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.orderflow.config.OrderflowProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compiled ERP mappings are reused, and an edited mapping file is used from the next call on (no restart). */
class ErpMappingsReloadTest {

    @TempDir
    Path dir;

    @Test
    void anEditedMappingIsUsedFromTheNextCall() throws Exception {
        Path file = dir.resolve("probe.jsonata");
        Files.writeString(file, "{ \"total\": order.total }");
        OrderflowProperties properties = new OrderflowProperties();
        properties.setMappingsDir(dir.toString());
        ErpMappings mappings = new ErpMappings(properties);
        ObjectMapper json = new ObjectMapper();

        assertThat(mappings.map("probe.jsonata", json.readTree("{\"order\":{\"total\":\"49.90\"}}")).toString())
                .isEqualTo("{\"total\":\"49.90\"}");
        assertThat(mappings.map("probe.jsonata", json.readTree("{\"order\":{\"total\":\"10.00\"}}")).toString())
                .isEqualTo("{\"total\":\"10.00\"}");

        Files.writeString(file, "{ \"grand\": order.total, \"lines\": [order.lines] }");
        Files.setLastModifiedTime(file, FileTime.from(Files.getLastModifiedTime(file).toInstant().plusSeconds(2)));
        assertThat(mappings.map("probe.jsonata", json.readTree("{\"order\":{\"total\":\"49.90\",\"lines\":[1]}}")).toString())
                .as("one-element list stays a list").isEqualTo("{\"grand\":\"49.90\",\"lines\":[1]}");
    }

    @Test
    void foundProductsAreRememberedForTheTtlUnknownOnesNever() {
        Instant[] now = {Instant.parse("2026-11-29T10:00:00Z")};
        Clock clock = new Clock() {
            @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(java.time.ZoneId zone) { return this; }
            @Override public Instant instant() { return now[0]; }
        };
        ProductCache cache = new ProductCache(Duration.ofMinutes(5), clock);
        assertThat(cache.idsOfAll(List.of("SKU-1"))).isNull();
        cache.remember("SKU-1", "SKU-1");
        assertThat(cache.idsOfAll(List.of("SKU-1"))).containsEntry("SKU-1", "SKU-1");
        assertThat(cache.idsOfAll(List.of("SKU-1", "SKU-9"))).as("one unknown SKU: ask the ERP").isNull();
        now[0] = now[0].plus(Duration.ofMinutes(6));
        assertThat(cache.idsOfAll(List.of("SKU-1"))).as("expired").isNull();

        ProductCache off = new ProductCache(Duration.ZERO, clock);
        off.remember("SKU-1", "SKU-1");
        assertThat(off.idsOfAll(List.of("SKU-1"))).isNull();
    }
}

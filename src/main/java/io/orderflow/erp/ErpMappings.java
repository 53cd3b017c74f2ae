package io.orderflow.erp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;

import com.dashjoin.jsonata.Jsonata;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orderflow.config.OrderflowProperties;
import org.springframework.stereotype.Component;

/**
 * Runs the ERP request mappings in mappings/ (canonical order -> ERP payload) with JSONata, the way Camel's jsonata
 * component does (input and output as JSON, a fresh frame per evaluation), but compiled once: each mapping is parsed
 * when first used and again only when its file changes (modification time or size), so integrators still edit
 * mappings/ without a restart, and a call costs a file-attribute read instead of a read and parse (issue 13).
 * A compiled expression is kept per thread (per ERP consumer): the JSONata evaluator keeps evaluation state on the
 * expression object and is not documented as safe to share between threads.
 */
@Component
public class ErpMappings {

    /** The plain mapper Camel's jsonata component uses for input and output (not Spring's configured one). */
    private static final ObjectMapper JSONATA_JSON = new ObjectMapper();

    private final Path mappingsDir;
    private final ThreadLocal<Map<String, Compiled>> compiled = ThreadLocal.withInitial(HashMap::new);

    private record Compiled(long modified, long size, Jsonata expression) {
    }

    public ErpMappings(OrderflowProperties properties) {
        this.mappingsDir = Path.of(properties.getMappingsDir());
    }

    public JsonNode map(String mapping, JsonNode input) {
        Jsonata expression = expression(mapping);
        try {
            Object in = JSONATA_JSON.readValue(input.toString(), Object.class);
            Object out = expression.evaluate(in, expression.createFrame());
            return JSONATA_JSON.readTree(JSONATA_JSON.writeValueAsString(out));
        } catch (IOException e) {
            throw new IllegalStateException("mapping " + mapping + " produced no JSON", e);
        }
    }

    private Jsonata expression(String mapping) {
        Path file = mappingsDir.resolve(mapping);
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            long modified = attributes.lastModifiedTime().toMillis();
            Compiled known = compiled.get().get(mapping);
            if (known != null && known.modified() == modified && known.size() == attributes.size()) {
                return known.expression();
            }
            Jsonata expression = Jsonata.jsonata(Files.readString(file, StandardCharsets.UTF_8));
            compiled.get().put(mapping, new Compiled(modified, attributes.size(), expression));
            return expression;
        } catch (IOException e) {
            throw new IllegalStateException("mapping " + mapping + " cannot be read from " + mappingsDir, e);
        }
    }
}

package io.orderflow.erp;

import java.io.IOException;
import java.nio.file.Path;

import com.dashjoin.jsonata.Jsonata;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orderflow.config.OrderflowProperties;
import io.orderflow.mapping.JsonataMappingFiles;
import org.springframework.stereotype.Component;

/**
 * Runs the ERP request mappings in mappings/ (canonical order -> ERP payload) with JSONata, the way Camel's jsonata
 * component does (input and output as JSON, a fresh frame per evaluation), with the mapping text read through
 * {@link JsonataMappingFiles}: kept until the file changes (integrators edit mappings/ without a restart), parsed
 * afresh for every evaluation (a parsed expression reused gets slower with every use).
 */
@Component
public class ErpMappings {

    /** The plain mapper Camel's jsonata component uses for input and output (not Spring's configured one). */
    private static final ObjectMapper JSONATA_JSON = new ObjectMapper();

    private final Path mappingsDir;
    private final JsonataMappingFiles files = new JsonataMappingFiles();

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
        try {
            return files.expression(mappingsDir.resolve(mapping));
        } catch (IOException e) {
            throw new IllegalStateException("mapping " + mapping + " cannot be read from " + mappingsDir, e);
        }
    }
}

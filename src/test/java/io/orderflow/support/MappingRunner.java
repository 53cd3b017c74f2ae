package io.orderflow.support;

import java.nio.file.Path;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * Runs a mapping of mappings/ through the same Camel jsonata endpoint options the routes use, and validates JSON
 * against a schema with Camel's json-validator, without Spring or a broker: one Camel context for the test JVM.
 */
public final class MappingRunner {

    private static CamelContext camel;
    private static ProducerTemplate template;

    private MappingRunner() {
    }

    /** The mapping's output (JSON text) for this input (JSON text). */
    public static String map(Path mapping, String input) {
        return template().requestBody("jsonata:file:" + mapping + "?inputType=JsonString&outputType=JsonString",
                input, String.class);
    }

    /** Validates against the schema; a violation throws CamelExecutionException. */
    public static void validate(Path schema, String json) {
        template().requestBody("json-validator:file:" + schema, json);
    }

    private static synchronized ProducerTemplate template() {
        if (template == null) {
            camel = new DefaultCamelContext();
            camel.start();
            template = camel.createProducerTemplate();
            Runtime.getRuntime().addShutdownHook(new Thread(camel::stop));
        }
        return template;
    }
}

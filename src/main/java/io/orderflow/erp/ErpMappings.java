package io.orderflow.erp;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orderflow.config.OrderflowProperties;
import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;

/** Runs the ERP request mappings in mappings/ (canonical order -> ERP payload) through Camel's jsonata component. */
@Component
public class ErpMappings {

    private final ProducerTemplate template;
    private final ObjectMapper mapper;
    private final String mappingsDir;

    public ErpMappings(ProducerTemplate template, ObjectMapper mapper, OrderflowProperties properties) {
        this.template = template;
        this.mapper = mapper;
        this.mappingsDir = properties.getMappingsDir();
    }

    public JsonNode map(String mapping, JsonNode input) {
        String out = template.requestBody("jsonata:file:" + mappingsDir + "/" + mapping
                + "?inputType=JsonString&outputType=JsonString&contentCache=false", input.toString(), String.class);
        try {
            return mapper.readTree(out);
        } catch (IOException e) {
            throw new IllegalStateException("mapping " + mapping + " produced no JSON", e);
        }
    }
}

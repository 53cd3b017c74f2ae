package io.orderflow.mapping;

import org.apache.camel.component.jsonata.JsonataComponent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The routes' {@code jsonata:} component: mappings compiled once per file version ({@link CompiledJsonataComponent}). */
@Configuration
public class MappingConfiguration {

    @Bean("jsonata")
    JsonataComponent jsonata() {
        return new CompiledJsonataComponent();
    }
}

package io.orderflow.mapping;

import org.apache.camel.component.jsonata.JsonataComponent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The routes' {@code jsonata:} component: mapping files read once per file version, parsed per exchange ({@link MappingFileJsonataComponent}). */
@Configuration
public class MappingConfiguration {

    @Bean("jsonata")
    JsonataComponent jsonata() {
        return new MappingFileJsonataComponent();
    }
}

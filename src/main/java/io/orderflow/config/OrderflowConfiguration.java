package io.orderflow.config;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

@Configuration
@EnableConfigurationProperties({OrderflowProperties.class, ManagementSecurityProperties.class,
        io.orderflow.review.ReviewProperties.class})
public class OrderflowConfiguration {
}

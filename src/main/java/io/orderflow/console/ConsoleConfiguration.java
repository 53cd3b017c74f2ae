package io.orderflow.console;

import java.time.Clock;

import org.jolokia.server.core.service.api.Restrictor;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.Resource;
import org.springframework.security.core.userdetails.UserDetailsService;

/**
 * The Hawtio console's backend: Jolokia's access policy (jolokia-access.xml plus orderflow.console.allowed-origins,
 * with the operator/viewer split), the origin check in front of Jolokia, and the console's login. The actuator's
 * Jolokia servlet (jolokia-support-spring, brought by camel-jolokia-starter) takes the Restrictor bean from here.
 */
@Configuration
@EnableConfigurationProperties(ConsoleProperties.class)
public class ConsoleConfiguration {

    @Bean
    Restrictor consoleJolokiaRestrictor(@Value("classpath:jolokia-access.xml") Resource policy,
            ConsoleProperties properties) {
        return new ConsoleJolokiaRestrictor(policy, properties.getAllowedOrigins());
    }

    @Bean
    FilterRegistrationBean<JolokiaOriginGuard> jolokiaOriginGuard(Restrictor restrictor) {
        FilterRegistrationBean<JolokiaOriginGuard> registration =
                new FilterRegistrationBean<>(new JolokiaOriginGuard(restrictor));
        registration.addUrlPatterns("/hawtio/jolokia/*", "/actuator/jolokia/*");
        // After Spring Security (its filter chain runs at DEFAULT_FILTER_ORDER): an anonymous or wrong caller gets 401
        // whatever its origin, and only an authenticated one learns that its origin is not allowed (403).
        registration.setOrder(org.springframework.boot.autoconfigure.security.SecurityProperties.DEFAULT_FILTER_ORDER + 1);
        return registration;
    }

    @Bean
    ConsoleAuthentication consoleAuthentication(UserDetailsService users) {
        return new ConsoleAuthentication(users);
    }

    @Bean
    LoginThrottle consoleLoginThrottle() {
        return new LoginThrottle(Clock.systemUTC());
    }
}

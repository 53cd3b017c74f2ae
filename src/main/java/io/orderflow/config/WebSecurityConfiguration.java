package io.orderflow.config;

import io.orderflow.intake.WebhookBodyLimitFilter;
import io.orderflow.web.IntakeReadinessFilter;
import org.apache.camel.CamelContext;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Who may call what. Webhooks are open to the network but every one is signature-checked in its route; the health
 * probe is open; everything else (actuator, admin API, and later Jolokia/Hawtio) needs the management credentials
 * (spring.security.user.*, from the environment).
 */
@Configuration
public class WebSecurityConfiguration {

    /**
     * Webhooks (signature-checked in their routes) and the simulated external systems (profile sim only) carry their
     * own credentials, so Spring Security neither demands nor interprets any here.
     */
    @Bean
    @Order(1)
    SecurityFilterChain signedEndpoints(HttpSecurity http) throws Exception {
        http.securityMatcher("/webhooks/**", "/sim/**")
                .csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(auth -> auth.anyRequest().permitAll());
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain managementEndpoints(HttpSecurity http) throws Exception {
        http.csrf(csrf -> csrf.ignoringRequestMatchers("/admin/**"))
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        .requestMatchers("/error").permitAll()
                        .anyRequest().authenticated())
                .httpBasic(Customizer.withDefaults());
        return http.build();
    }

    /**
     * Size limit and raw body (bytes, whatever the declared content type) for the webhooks and the admin API. It
     * runs before Spring's form filters and Spring Security, so no form or multipart parsing ever touches a body.
     */
    @Bean
    FilterRegistrationBean<WebhookBodyLimitFilter> webhookBodyLimitFilter(OrderflowProperties properties) {
        FilterRegistrationBean<WebhookBodyLimitFilter> registration =
                new FilterRegistrationBean<>(new WebhookBodyLimitFilter(properties.getIntake().getMaxBodyBytes()));
        registration.addUrlPatterns("/webhooks/*", "/admin/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
        return registration;
    }

    /** 503 for a webhook whose intake route is not running (start-up, restart), never 404. */
    @Bean
    FilterRegistrationBean<IntakeReadinessFilter> intakeReadinessFilter(ObjectProvider<CamelContext> camel) {
        FilterRegistrationBean<IntakeReadinessFilter> registration =
                new FilterRegistrationBean<>(new IntakeReadinessFilter(camel));
        registration.addUrlPatterns("/webhooks/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }
}

package io.orderflow.config;

import io.orderflow.intake.WebhookBodyLimitFilter;
import io.orderflow.web.IntakeReadinessFilter;
import org.apache.camel.CamelContext;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.autoconfigure.security.SecurityProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.http.HttpStatus;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Who may call what. Webhooks are open to the network but every one is signature-checked in its route; the health
 * probe is open; everything else (actuator, admin API, Jolokia, the Hawtio console's data) needs the management
 * credentials.
 *
 * <p>Two roles: OPERATOR (spring.security.user.*, env ORDERFLOW_ADMIN_USER / ORDERFLOW_ADMIN_PASSWORD) may do
 * everything; VIEWER (orderflow.security.viewer.*, optional) may only read: GET on the admin API, the order status API
 * (/api/orders) and the actuator.
 * Replay, discard and approve need OPERATOR. In Jolokia (/actuator/jolokia, the console's /hawtio/jolokia) the viewer
 * may read, list and search, never exec or write (io.orderflow.console.ConsoleJolokiaRestrictor).
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

    /**
     * The Hawtio console (/hawtio/**) and Jolokia (/actuator/jolokia/**, where /hawtio/jolokia is forwarded). The
     * console's pages and scripts and its login form are open; who is logged in (/hawtio/user) and Jolokia need a
     * management user, from the console's login (a session; the cookie is SameSite=Strict) or HTTP Basic. No
     * WWW-Authenticate challenge: a browser shows Hawtio's own login page, not its password dialog. CSRF tokens are
     * not used here (the console sends none): Jolokia's strict Origin check (jolokia-access.xml) stands in for them.
     * Path-pattern matchers: Jolokia is a servlet of its own, which Spring MVC matchers would not cover.
     */
    @Bean
    @Order(2)
    SecurityFilterChain consoleEndpoints(HttpSecurity http) throws Exception {
        RequestMatcher jolokia = new OrRequestMatcher(path("/hawtio/jolokia"), path("/hawtio/jolokia/**"),
                path("/actuator/jolokia"), path("/actuator/jolokia/**"));
        RequestMatcher console = new OrRequestMatcher(path("/hawtio"), path("/hawtio/**"), jolokia);
        HttpStatusEntryPoint unauthorized = new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED);
        http.securityMatcher(console)
                .csrf(csrf -> csrf.ignoringRequestMatchers(console))
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.IF_REQUIRED))
                // A refused request is not saved for after the login (that would open a session and set a cookie for
                // an anonymous caller); the console lands on its start page after logging in.
                .requestCache(cache -> cache.disable())
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers(jolokia).hasAnyRole(OPERATOR, VIEWER)
                        .requestMatchers(path("/hawtio/user")).hasAnyRole(OPERATOR, VIEWER)
                        .anyRequest().permitAll())
                .httpBasic(basic -> basic.authenticationEntryPoint(unauthorized))
                .exceptionHandling(e -> e.authenticationEntryPoint(unauthorized)
                        .accessDeniedHandler((request, response, denied) ->
                                response.sendError(HttpServletResponse.SC_FORBIDDEN)));
        return http.build();
    }

    private static RequestMatcher path(String pattern) {
        return PathPatternRequestMatcher.withDefaults().matcher(pattern);
    }

    @Bean
    @Order(3)
    SecurityFilterChain managementEndpoints(HttpSecurity http) throws Exception {
        // No CSRF token (it would need a session and a Set-Cookie on every refused call): the management API is for
        // scripts and operators' tools with HTTP Basic, stateless, and answers JSON only.
        http.csrf(csrf -> csrf.ignoringRequestMatchers("/admin/**", "/api/admin/**", "/actuator/**"))
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        .requestMatchers("/error").permitAll()
                        .requestMatchers(HttpMethod.GET, "/api/admin/**", "/admin/**", "/actuator/**", "/api/orders",
                                "/api/orders/**")
                                .hasAnyRole(OPERATOR, VIEWER)
                        .anyRequest().hasRole(OPERATOR))
                .httpBasic(Customizer.withDefaults());
        return http.build();
    }

    static final String OPERATOR = "OPERATOR";
    static final String VIEWER = "VIEWER";

    /**
     * The management users from configuration: the operator (Spring's spring.security.user.name/password) and, when
     * its password is set, the read-only viewer. A password without an encoding prefix ({bcrypt}, {noop}...) is plain.
     */
    @Bean
    UserDetailsService managementUsers(SecurityProperties spring, ManagementSecurityProperties orderflow) {
        List<UserDetails> users = new ArrayList<>();
        users.add(User.withUsername(spring.getUser().getName()).password(encoded(spring.getUser().getPassword()))
                .roles(OPERATOR, VIEWER).build());
        ManagementSecurityProperties.Viewer viewer = orderflow.getViewer();
        if (viewer.getPassword() != null && !viewer.getPassword().isBlank()) {
            if (viewer.getName().equals(spring.getUser().getName())) {
                throw new IllegalStateException("orderflow.security.viewer.name must differ from spring.security.user.name");
            }
            users.add(User.withUsername(viewer.getName()).password(encoded(viewer.getPassword())).roles(VIEWER).build());
        }
        return new InMemoryUserDetailsManager(users);
    }

    /**
     * Passwords as configured ({noop} for a plain one, or {bcrypt}..., {pbkdf2}... as given), checked by Spring's
     * delegating encoder once per credential and then recognised from {@link VerifiedCredentialCache} for 10 minutes;
     * never re-encoded (that made every request pay a bcrypt check).
     */
    @Bean
    org.springframework.security.crypto.password.PasswordEncoder managementPasswordEncoder() {
        return new VerifiedCredentialCache(
                org.springframework.security.crypto.factory.PasswordEncoderFactories.createDelegatingPasswordEncoder(),
                java.time.Duration.ofMinutes(10), java.time.Clock.systemUTC());
    }

    private static String encoded(String password) {
        return password != null && password.matches("^\\{[^}]+}.*") ? password : "{noop}" + password;
    }

    /**
     * Size limit and raw body (bytes, whatever the declared content type) for the webhooks and the admin API. It
     * runs before Spring's form filters and Spring Security, so no form or multipart parsing ever touches a body.
     */
    @Bean
    FilterRegistrationBean<WebhookBodyLimitFilter> webhookBodyLimitFilter(OrderflowProperties properties) {
        FilterRegistrationBean<WebhookBodyLimitFilter> registration =
                new FilterRegistrationBean<>(new WebhookBodyLimitFilter(properties.getIntake().getMaxBodyBytes()));
        registration.addUrlPatterns("/webhooks/*", "/admin/*", "/api/admin/*");
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

package io.orderflow.console;

import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.core.userdetails.UserDetailsService;

/**
 * Checks the console login form's user name and password against the management users (the same
 * UserDetailsService HTTP Basic uses). Built here rather than taken from Spring's AuthenticationConfiguration, which
 * recursed into itself when exposed as a bean.
 */
public class ConsoleAuthentication {

    private final AuthenticationManager manager;

    public ConsoleAuthentication(UserDetailsService users) {
        this.manager = new ProviderManager(new DaoAuthenticationProvider(users));
    }

    public AuthenticationManager manager() {
        return manager;
    }
}

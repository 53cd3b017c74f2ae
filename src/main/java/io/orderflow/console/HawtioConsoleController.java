package io.orderflow.console;

import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseBody;

/**
 * The few backend endpoints the Hawtio console (@hawtio/react, built from console/ into static/hawtio) calls, in
 * place of Hawtio's Java backend: who is logged in, login and logout, Jolokia, and the single-page app's routes.
 * Every path is relative to the console's base /hawtio/. Access rules: WebSecurityConfiguration.consoleEndpoints.
 */
@Controller
public class HawtioConsoleController {

    private static final Logger LOG = LoggerFactory.getLogger(HawtioConsoleController.class);
    private static final String INDEX = "forward:/hawtio/index.html";
    private static final String JOLOKIA = "/actuator/jolokia";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AuthenticationManager authentication;
    private final SecurityContextRepository contexts = new HttpSessionSecurityContextRepository();
    private final SecurityContextHolderStrategy holder = SecurityContextHolder.getContextHolderStrategy();
    private final LoginThrottle throttle;

    public HawtioConsoleController(ConsoleAuthentication authentication, LoginThrottle throttle) {
        this.authentication = authentication.manager();
        this.throttle = throttle;
    }

    /**
     * The logged-in user's name as a JSON string; 401 when nobody is. The console treats any answer but 2xx as
     * "logged out": it shows its login page and never calls Jolokia.
     */
    @GetMapping(path = "/hawtio/user", produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseBody
    public ResponseEntity<Object> user(Authentication user) {
        if (user == null || user instanceof AnonymousAuthenticationToken || !user.isAuthenticated()) {
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED).body(Map.of("error", "unauthorized"));
        }
        // a JSON string ("admin"): a plain String body would be written as it is (admin), which is not JSON
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(JSON.valueToTree(user.getName()).toString());
    }

    /** The console's login form: {"username":..,"password":..}. 200, or 401 (wrong), or 429 (too many failures). */
    @PostMapping(path = "/hawtio/auth/login", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseBody
    public ResponseEntity<Map<String, String>> login(@RequestBody(required = false) Map<String, Object> body,
            HttpServletRequest request, HttpServletResponse response) {
        Object username = body == null ? null : body.get("username");
        Object password = body == null ? null : body.get("password");
        if (!(username instanceof String name) || !(password instanceof String secret) || name.isBlank()) {
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED).body(Map.of("error", "unauthorized"));
        }
        long retryAfter = throttle.secondsToWait(name);
        if (retryAfter > 0) {
            return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                    .header("Retry-After", Long.toString(retryAfter)).body(Map.of("error", "too many requests"));
        }
        Authentication result;
        try {
            result = authentication.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(name, secret));
        } catch (AuthenticationException e) {
            throttle.failed(name);
            LOG.warn("Hawtio console: failed login");
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED).body(Map.of("error", "unauthorized"));
        }
        throttle.succeeded(name);
        HttpSession existing = request.getSession(false);
        if (existing != null) {
            request.changeSessionId(); // no session fixation
        } else {
            request.getSession(true);
        }
        SecurityContext context = holder.createEmptyContext();
        context.setAuthentication(result);
        holder.setContext(context);
        contexts.saveContext(context, request, response);
        LOG.info("Hawtio console: '{}' logged in", result.getName());
        return ResponseEntity.ok(Map.of("username", result.getName()));
    }

    /** The console navigates here to log out: the session ends, and the browser goes back to the login page. */
    @GetMapping("/hawtio/auth/logout")
    public String logout(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.invalidate();
        }
        holder.clearContext();
        return "redirect:/hawtio/";
    }

    /** Jolokia for the console: the actuator's agent (a servlet of its own) at /actuator/jolokia. */
    @RequestMapping({"/hawtio/jolokia", "/hawtio/jolokia/**"})
    public String jolokia(HttpServletRequest request) {
        String uri = request.getRequestURI().substring(request.getContextPath().length());
        return "forward:" + JOLOKIA + uri.substring("/hawtio/jolokia".length());
    }

    /**
     * Hawtio backend features this console has not (Keycloak, OIDC, the proxy to other JVMs, server-side plugins,
     * login configuration): 404 tells the console a feature is absent; the SPA page (200) would confuse it.
     */
    @RequestMapping({"/hawtio/auth/config", "/hawtio/auth/config/**", "/hawtio/keycloak/**", "/hawtio/proxy/**",
            "/hawtio/refresh", "/hawtio/plugin", "/hawtio/plugin/**", "/hawtio/preset-connections"})
    @ResponseBody
    public ResponseEntity<Map<String, String>> absent() {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("error", "not found"));
    }

    @GetMapping("/hawtio")
    public String root() {
        return "redirect:/hawtio/";
    }

    /** The single-page app: its own routes (/hawtio/camel/routes...) are pages of index.html; files are served as such. */
    @GetMapping({"/hawtio/", "/hawtio/{page:(?!assets$|img$)[^.]+}", "/hawtio/{page:(?!assets$|img$)[^.]+}/**"})
    public String page() {
        return INDEX;
    }
}

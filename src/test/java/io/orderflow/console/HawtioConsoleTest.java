package io.orderflow.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.DisableJmx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.core.io.ClassPathResource;
import org.springframework.test.context.ActiveProfiles;

/**
 * Issues 11 and 12: the Hawtio console at /hawtio and Jolokia over real HTTP. Anonymous Jolokia is refused everywhere
 * (401), the console's pages are served with its own login page, its login and logout work (a wrong password 401, too
 * many 429), the read-only viewer reads but cannot execute or write, dangerous operations are denied to everyone,
 * only listed origins reach Jolokia, no agent listens on port 8778, and no answer carries anything of the request.
 */
@CamelSpringBootTest
@DisableJmx(false) // Camel's test support turns JMX off by default: the console shows Camel's MBeans
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"orderflow.data-dir=target/test-data/hawtio-${random.uuid}", "spring.artemis.embedded.server-id=57",
                "orderflow.security.viewer.name=auditor", "orderflow.security.viewer.password=test-viewer-password",
                "orderflow.console.allowed-origins[0]=http://ops.example.test"})
@ActiveProfiles("test")
class HawtioConsoleTest {

    static final String OPERATOR_PASSWORD = "test-admin-password";
    static final String VIEWER_PASSWORD = "test-viewer-password";
    static final String PROBE = "probe-" + UUID.randomUUID();
    static final String EVIL = "http://evil.example";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    /** Every answer of the test, checked after each test for anything of the request. */
    final List<HttpResponse<String>> answers = new ArrayList<>();

    String origin() {
        return "http://localhost:" + port;
    }

    // --- anonymous ------------------------------------------------------------------------------------------------

    @Test
    void anonymousJolokiaIsRefusedEverywhere() {
        for (String path : List.of("/actuator/jolokia", "/actuator/jolokia/version", "/hawtio/jolokia",
                "/hawtio/jolokia/version", "/actuator/jolokia/read/java.lang:type=Memory/HeapMemoryUsage")) {
            HttpResponse<String> get = send(get(path).header("Origin", origin()));
            assertThat(get.statusCode()).as("GET " + path).isEqualTo(401);
            assertThat(get.headers().firstValue("WWW-Authenticate")).as("no browser password dialog").isEmpty();
            HttpResponse<String> post = send(post(path, "{\"type\":\"version\"}").header("Origin", origin()));
            assertThat(post.statusCode()).as("POST " + path).isEqualTo(401);
        }
        assertThat(send(get("/hawtio/user")).statusCode()).isEqualTo(401);
        HttpResponse<String> wrong = send(get("/actuator/jolokia/version").header("Origin", origin())
                .header("Authorization", basic("admin", "wrong-" + PROBE)));
        assertThat(wrong.statusCode()).isEqualTo(401);
    }

    @Test
    void theConsoleIsServedWithItsLoginPageAndDeepLinks() {
        assumeConsoleBuilt();
        HttpResponse<String> index = send(get("/hawtio/"));
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(index.body()).contains("<base href=\"/hawtio/\"").contains("<div id=\"root\">");
        // the single-page app's own routes (the login page, a deep link) are the same page
        for (String page : List.of("/hawtio/login", "/hawtio/camel/routes", "/hawtio/jmx")) {
            HttpResponse<String> deep = send(get(page));
            assertThat(deep.statusCode()).as(page).isEqualTo(200);
            assertThat(deep.body()).as(page).isEqualTo(index.body());
        }
        HttpResponse<String> root = send(get("/hawtio"));
        assertThat(root.statusCode()).isEqualTo(302);
        assertThat(root.headers().firstValue("Location").orElse("")).endsWith("/hawtio/");
        // its script is served as a script (not the page: a white screen), its branding as JSON
        Matcher script = Pattern.compile("src=\"(/hawtio/assets/[^\"]+\\.js)\"").matcher(index.body());
        assertThat(script.find()).isTrue();
        HttpResponse<String> js = send(get(script.group(1)));
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.headers().firstValue("Content-Type").orElse("")).contains("javascript");
        HttpResponse<String> config = send(get("/hawtio/hawtconfig.json"));
        assertThat(config.statusCode()).isEqualTo(200);
        assertThat(json(config).path("branding").path("appName").asText()).isEqualTo("orderflow");
    }

    @Test
    void hawtioBackendFeaturesThatDoNotExistAnswer404NotThePage() {
        for (String path : List.of("/hawtio/auth/config", "/hawtio/auth/config/login", "/hawtio/auth/config/oidc",
                "/hawtio/auth/config/session-timeout", "/hawtio/keycloak/enabled", "/hawtio/proxy/enabled",
                "/hawtio/refresh", "/hawtio/plugin", "/hawtio/preset-connections")) {
            HttpResponse<String> answer = send(get(path));
            assertThat(answer.statusCode()).as(path).isEqualTo(404);
            assertThat(answer.body()).as(path).isEqualTo("{\"error\":\"not found\"}");
        }
    }

    // --- login, user, logout --------------------------------------------------------------------------------------

    @Test
    void loginThroughTheConsoleGivesASessionForUserAndJolokiaAndLogoutEndsIt() {
        HttpResponse<String> login = login("admin", OPERATOR_PASSWORD);
        assertThat(login.statusCode()).isEqualTo(200);
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith("JSESSIONID=").contains("HttpOnly").contains("SameSite=Strict");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));

        HttpResponse<String> user = send(get("/hawtio/user").header("Cookie", cookie));
        assertThat(user.statusCode()).isEqualTo(200);
        assertThat(user.body()).isEqualTo("\"admin\"");
        HttpResponse<String> version = send(post("/hawtio/jolokia", "{\"type\":\"version\"}")
                .header("Cookie", cookie).header("Origin", origin()));
        assertThat(version.statusCode()).isEqualTo(200);
        assertThat(json(version).path("value").path("agent").asText()).isNotBlank();
        // the forward keeps the rest of the path
        HttpResponse<String> heap = send(get("/hawtio/jolokia/read/java.lang:type=Memory/HeapMemoryUsage")
                .header("Cookie", cookie).header("Origin", origin()));
        assertThat(json(heap).path("status").asInt()).isEqualTo(200);
        assertThat(json(heap).path("value").path("used").asLong()).isPositive();

        HttpResponse<String> logout = send(get("/hawtio/auth/logout").header("Cookie", cookie));
        assertThat(logout.statusCode()).isEqualTo(302);
        assertThat(logout.headers().firstValue("Location").orElse("")).endsWith("/hawtio/");
        assertThat(send(get("/hawtio/user").header("Cookie", cookie)).statusCode()).isEqualTo(401);
        assertThat(send(post("/hawtio/jolokia", "{\"type\":\"version\"}").header("Cookie", cookie)
                .header("Origin", origin())).statusCode()).isEqualTo(401);
        // logging out twice is harmless
        assertThat(send(get("/hawtio/auth/logout").header("Cookie", cookie)).statusCode()).isEqualTo(302);
    }

    @Test
    void aLoginChangesTheSessionId() {
        String before = cookieOf(login("admin", OPERATOR_PASSWORD));
        HttpResponse<String> again = send(post("/hawtio/auth/login",
                "{\"username\":\"admin\",\"password\":\"" + OPERATOR_PASSWORD + "\"}").header("Cookie", before));
        assertThat(again.statusCode()).isEqualTo(200);
        String after = cookieOf(again);
        assertThat(after).isNotEqualTo(before);
        assertThat(send(get("/hawtio/user").header("Cookie", after)).body()).isEqualTo("\"admin\"");
    }

    @Test
    void aWrongPasswordIs401AndManyAre429() {
        HttpResponse<String> wrong = login("admin", "wrong-" + PROBE);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(login("nobody-" + UUID.randomUUID(), "x").statusCode()).isEqualTo(401);
        assertThat(send(post("/hawtio/auth/login", "{}")).statusCode()).isEqualTo(401);
        assertThat(send(post("/hawtio/auth/login", "not json")).statusCode()).isEqualTo(400);
        HttpResponse<String> form = send(HttpRequest.newBuilder(uri("/hawtio/auth/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=admin&password=" + OPERATOR_PASSWORD)));
        assertThat(form.statusCode()).isEqualTo(415);
        assertThat(form.headers().firstValue("Set-Cookie")).isEmpty();

        String guessed = "guessed-" + UUID.randomUUID();
        for (int i = 0; i < LoginThrottle.FREE_FAILURES; i++) {
            assertThat(login(guessed, "guess-" + i).statusCode()).isEqualTo(401);
        }
        HttpResponse<String> throttled = login(guessed, "guess-again");
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After").map(Long::parseLong).orElse(0L)).isPositive();
        // the operator's own login is not held up by guesses at another name
        assertThat(login("admin", OPERATOR_PASSWORD).statusCode()).isEqualTo(200);
    }

    // --- roles -----------------------------------------------------------------------------------------------------

    @Test
    void theViewerReadsButCannotExecuteOrWrite() {
        String viewer = basic("auditor", VIEWER_PASSWORD);
        assertThat(jolokia(viewer, "{\"type\":\"read\",\"mbean\":\"java.lang:type=Memory\",\"attribute\":\"HeapMemoryUsage\"}")
                .path("status").asInt()).isEqualTo(200);
        assertThat(jolokia(viewer, "{\"type\":\"search\",\"mbean\":\"org.apache.camel:type=routes,*\"}")
                .path("value").toString()).contains("payment-gate");
        assertThat(jolokia(viewer, "{\"type\":\"list\",\"path\":\"java.lang/type=Memory\"}").path("status").asInt())
                .isEqualTo(200);

        String exec = "{\"type\":\"exec\",\"mbean\":\"java.lang:type=Threading\",\"operation\":\"findDeadlockedThreads()\"}";
        String write = "{\"type\":\"write\",\"mbean\":\"java.lang:type=Threading\",\"attribute\":\"ThreadCpuTimeEnabled\",\"value\":true}";
        String stopRoute = "{\"type\":\"exec\",\"mbean\":\"org.apache.camel:context=orderflow,type=routes,name=\\\"payment-gate\\\"\",\"operation\":\"stop()\"}";
        for (String request : List.of(exec, write, stopRoute)) {
            assertThat(jolokia(viewer, request).path("status").asInt()).as(request).isEqualTo(403);
        }
        // the same as GET requests, and in a bulk request
        HttpResponse<String> getExec = send(get("/actuator/jolokia/exec/java.lang:type=Threading/findDeadlockedThreads()")
                .header("Authorization", viewer).header("Origin", origin()));
        assertThat(json(getExec).path("status").asInt()).isEqualTo(403);
        HttpResponse<String> bulk = send(post("/actuator/jolokia", "[" + exec + "," + write + "]")
                .header("Authorization", viewer).header("Origin", origin()));
        for (JsonNode each : json(bulk)) {
            assertThat(each.path("status").asInt()).isEqualTo(403);
        }
        // logged in through the console, the viewer is still read-only
        String cookie = cookieOf(login("auditor", VIEWER_PASSWORD));
        HttpResponse<String> viaConsole = send(post("/hawtio/jolokia", exec).header("Cookie", cookie)
                .header("Origin", origin()));
        assertThat(json(viaConsole).path("status").asInt()).isEqualTo(403);
        assertThat(send(get("/hawtio/user").header("Cookie", cookie)).body()).isEqualTo("\"auditor\"");

        // the operator may: the route stays started only because this test does not run stopRoute as operator
        String operator = basic("admin", OPERATOR_PASSWORD);
        assertThat(jolokia(operator, exec).path("status").asInt()).isEqualTo(200);
        assertThat(jolokia(operator, write).path("status").asInt()).isEqualTo(200);
    }

    @Test
    void dangerousOperationsAreDeniedToTheOperatorToo() {
        String operator = basic("admin", OPERATOR_PASSWORD);
        for (String operation : List.of("gc", "gc()")) {
            assertThat(jolokia(operator, "{\"type\":\"exec\",\"mbean\":\"java.lang:type=Memory\",\"operation\":\""
                    + operation + "\"}").path("status").asInt()).as(operation).isEqualTo(403);
        }
        assertThat(jolokia(operator, "{\"type\":\"exec\",\"mbean\":\"com.sun.management:type=DiagnosticCommand\","
                + "\"operation\":\"vmSystemProperties()\"}").path("status").asInt()).isEqualTo(403);
        assertThat(jolokia(operator, "{\"type\":\"exec\",\"mbean\":\"com.sun.management:type=HotSpotDiagnostic\","
                + "\"operation\":\"dumpHeap\",\"arguments\":[\"target/heap.hprof\",true]}").path("status").asInt())
                .isEqualTo(403);
        assertThat(jolokia(operator, "{\"type\":\"read\",\"mbean\":\"java.lang:type=Runtime\",\"attribute\":\"SystemProperties\"}")
                .path("status").asInt()).isEqualTo(403);
        assertThat(jolokia(operator, "{\"type\":\"exec\",\"mbean\":\"org.apache.camel:context=orderflow,type=context,name=\\\"orderflow\\\"\","
                + "\"operation\":\"addOrUpdateRoutesFromXml(java.lang.String)\",\"arguments\":[\"<routes/>\"]}")
                .path("status").asInt()).isEqualTo(403);
        // no stack trace, whatever the request asks for
        HttpResponse<String> traced = send(post("/actuator/jolokia?includeStackTrace=true&serializeException=true",
                "{\"type\":\"read\",\"mbean\":\"orderflow:type=NoSuchBean\",\"attribute\":\"X\"}")
                .header("Authorization", operator).header("Origin", origin()));
        assertThat(json(traced).has("stacktrace")).isFalse();
        assertThat(json(traced).has("error_value")).isFalse();
    }

    // --- origins ---------------------------------------------------------------------------------------------------

    @Test
    void onlyListedOriginsReachJolokia() {
        String operator = basic("admin", OPERATOR_PASSWORD);
        for (String path : List.of("/actuator/jolokia", "/hawtio/jolokia")) {
            HttpResponse<String> evil = send(post(path, "{\"type\":\"version\"}")
                    .header("Authorization", operator).header("Origin", EVIL));
            assertThat(evil.statusCode()).as(path).isEqualTo(403);
            assertThat(evil.body()).isEqualTo("{\"error\":\"forbidden\"}");
            HttpResponse<String> evilReferer = send(post(path, "{\"type\":\"version\"}")
                    .header("Authorization", operator).header("Referer", EVIL + "/page"));
            assertThat(evilReferer.statusCode()).isEqualTo(403);
            HttpResponse<String> none = send(post(path, "{\"type\":\"version\"}").header("Authorization", operator));
            assertThat(none.statusCode()).as("no Origin, no Referer").isEqualTo(403);
            // a look-alike host is not localhost
            assertThat(send(post(path, "{\"type\":\"version\"}").header("Authorization", operator)
                    .header("Origin", "http://localhost.evil.example")).statusCode()).isEqualTo(403);
        }
        for (String allowed : List.of(origin(), "http://127.0.0.1:" + port, "http://ops.example.test")) {
            HttpResponse<String> ok = send(post("/actuator/jolokia", "{\"type\":\"version\"}")
                    .header("Authorization", operator).header("Origin", allowed));
            assertThat(ok.statusCode()).as(allowed).isEqualTo(200);
            assertThat(json(ok).path("value").path("agent").asText()).isNotBlank();
        }
    }

    @Test
    void noJolokiaAgentListensOnItsOwnPort() throws IOException {
        assertThat(context.getBeansOfType(org.jolokia.jvmagent.JolokiaServer.class)).isEmpty();
        try (Socket socket = new Socket()) {
            assertThatThrownBy(() -> socket.connect(new InetSocketAddress("127.0.0.1", 8778), 2000))
                    .isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void theOtherManagementEndpointsAreUnchanged() {
        assertThat(send(get("/actuator/health")).statusCode()).isEqualTo(200);
        assertThat(send(get("/admin/queues")).statusCode()).isEqualTo(401);
        assertThat(send(get("/admin/queues").header("Authorization", basic("auditor", VIEWER_PASSWORD))).statusCode())
                .isEqualTo(200);
        // a console session is for the console: the admin API still wants its credentials
        String cookie = cookieOf(login("admin", OPERATOR_PASSWORD));
        assertThat(send(get("/admin/queues").header("Cookie", cookie)).statusCode()).isEqualTo(401);
    }

    // --- nothing of the request comes back --------------------------------------------------------------------------

    @AfterEach
    void noAnswerCarriesTheRequest() {
        String probeCookie = "JSESSIONID=" + PROBE;
        for (HttpResponse<String> answer : answers) {
            String all = answer.body() + " " + answer.headers().map();
            assertThat(all).as(answer.request().uri().toString())
                    .doesNotContain(PROBE).doesNotContain(OPERATOR_PASSWORD).doesNotContain(VIEWER_PASSWORD)
                    .doesNotContain("evil.example").doesNotContain(probeCookie)
                    .doesNotContain(Base64.getEncoder().encodeToString(("admin:" + OPERATOR_PASSWORD).getBytes()));
            // the console's own files (its page, its scripts) are HTML and JavaScript by nature
            boolean consoleFile = answer.statusCode() == 200 && answer.request().uri().getPath().startsWith("/hawtio/")
                    && !answer.headers().firstValue("Content-Type").orElse("").startsWith("application/json");
            if (!consoleFile) {
                assertThat(answer.body()).as(answer.request().uri().toString()).doesNotContainIgnoringCase("<html");
            }
        }
    }

    // --- helpers ---------------------------------------------------------------------------------------------------

    void assumeConsoleBuilt() {
        boolean built = new ClassPathResource("static/hawtio/index.html").exists();
        if (!built && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("The console is not built (static/hawtio/index.html): CI must build it");
        }
        String reason = "SKIPPED: the Hawtio console is not built (-Dconsole.skip=true?): "
                + "static/hawtio/index.html is not on the class path";
        if (!built) {
            System.out.println(reason);
        }
        Assumptions.assumeTrue(built, reason);
    }

    JsonNode jolokia(String authorization, String body) {
        return json(send(post("/actuator/jolokia", body).header("Authorization", authorization)
                .header("Origin", origin())));
    }

    HttpResponse<String> login(String user, String password) {
        return send(post("/hawtio/auth/login", "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}"));
    }

    static String cookieOf(HttpResponse<String> login) {
        assertThat(login.statusCode()).isEqualTo(200);
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(uri(path)).header("X-Probe", PROBE).GET();
    }

    HttpRequest.Builder post(String path, String body) {
        return HttpRequest.newBuilder(uri(path)).header("X-Probe", PROBE).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> answer = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            answers.add(answer);
            return answer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(HttpResponse<String> answer) {
        try {
            return JSON.readTree(answer.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (" + answer.statusCode() + "): " + answer.body(), e);
        }
    }

}

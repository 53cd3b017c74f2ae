package io.orderflow.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The connector as its own process, as the process suites run it: the repackaged Spring Boot jar
 * ({@code java -jar target/orderflow.jar}, so failsafe after {@code package}), profile {@code test}
 * (src/test/resources/application-test.yml), a random port, its own data directory and log file, short broker
 * back-off. Each start writes its console to {@code <name>-<n>.out} in the run directory.
 */
final class ConnectorProcess {

    static final String ADMIN_PASSWORD = "test-admin-password";

    final String name;
    final int port;
    final Path dir;
    final Path log;
    private final List<String> arguments;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    volatile Process process;
    int starts;

    /**
     * @param name prefix of the console files ({@code connector} gives {@code connector-1.out}, ...)
     * @param dir the run directory: the log file {@code <name>.log} and {@code data-<name>} go there
     * @param arguments further settings (the stubs', a broker's)
     */
    ConnectorProcess(String name, Path dir, List<String> arguments) {
        this.name = name;
        this.dir = dir;
        this.port = freePort();
        this.log = dir.resolve(name + ".log");
        this.arguments = arguments;
    }

    Process start() throws IOException {
        Path jar = Path.of("target/orderflow.jar");
        assertThat(jar).as("the packaged jar (mvn package runs before this suite)").exists();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx384m", "-XX:TieredStopAtLevel=1",
                "-jar", jar.toString(),
                "--spring.profiles.active=test", "--spring.config.additional-location=optional:file:src/test/resources/",
                "--server.port=" + port, "--orderflow.data-dir=" + dir.resolve("data-" + name),
                "--logging.file.name=" + log, "--logging.level.org.apache.activemq.artemis.core.server=INFO",
                "--logging.level.io.orderflow=DEBUG",
                "--orderflow.broker.max-delivery-attempts=50", "--orderflow.broker.redelivery-delay-ms=200",
                "--orderflow.broker.max-redelivery-delay-ms=2000"));
        command.addAll(arguments);
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(console(++starts).toFile()).start();
        return process;
    }

    /** The console file of the n-th start. */
    Path console(int start) {
        return dir.resolve(name + "-" + start + ".out");
    }

    boolean alive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** SIGKILL: no shutdown hook, no orderly stop of anything. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    void awaitHealthy() throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            assertThat(process.isAlive()).as("connector process " + name + " (see " + dir + ")").isTrue();
            try {
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/actuator/health")).timeout(Duration.ofSeconds(3)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("connector " + name + " not healthy within 120 s (see " + dir + ")");
    }

    /** GET a management path as the operator; the body. */
    String admin(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", basic(ADMIN_PASSWORD))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** SIGTERM, then SIGKILL after 60 s. */
    void stop() throws InterruptedException {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroy();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
    }

    static String basic(String password) {
        return "Basic " + Base64.getEncoder().encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8));
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

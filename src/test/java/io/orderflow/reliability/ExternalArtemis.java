package io.orderflow.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientRequestor;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.api.core.management.ManagementHelper;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * The real ActiveMQ Artemis broker as a user runs it: the distribution {@code apache-artemis-<version>-bin.tar.gz}
 * (unpacked by Maven into target/artemis before the *IT suites), an instance made with {@code bin/artemis create}
 * (login required, the core acceptor only, on loopback and a free port, NIO journal, no web console) and started with
 * {@code bin/artemis run --properties docker/artemis/broker.properties}: orderflow's address settings and queues from
 * the very file docker-compose.yml mounts into the official image, not a copy. Its own JVM gets a small heap
 * ({@code JAVA_ARGS}: 64-256 MB, serial GC). Queue figures come from its management address
 * ({@code activemq.management}, as the Artemis console and CLI ask them).
 */
final class ExternalArtemis implements AutoCloseable {

    static final String VERSION = "2.40.0";
    static final String USER = "orderflow";

    final Path instance;
    final int port;
    final String password;
    final Path console;
    private Process process;

    ExternalArtemis(Path instance, String password) {
        this.instance = instance.toAbsolutePath();
        this.password = password;
        this.port = ConnectorProcess.freePort();
        this.console = this.instance.resolveSibling("artemis.out");
    }

    static Path home() {
        return Path.of("target/artemis/apache-artemis-" + VERSION).toAbsolutePath();
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** The connector settings for this broker, as docker-compose.yml sets them (SPRING_ARTEMIS_*). */
    List<String> connectorArguments() {
        return new ArrayList<>(List.of("--spring.artemis.mode=native", "--spring.artemis.broker-url=" + url(),
                "--spring.artemis.user=" + USER, "--spring.artemis.password=" + password,
                "--spring.artemis.embedded.enabled=false"));
    }

    void start() throws IOException, InterruptedException {
        Path artemis = home().resolve("bin/artemis");
        assertThat(artemis).as("the Artemis distribution (maven-dependency-plugin unpacks it before the *IT suites)")
                .exists();
        Path properties = Path.of("docker/artemis/broker.properties").toAbsolutePath();
        assertThat(properties).exists();
        run(List.of(artemis.toString(), "create", "--silent", "--force", "--user", USER, "--password", password,
                "--require-login", "--host", "127.0.0.1", "--default-port", String.valueOf(port),
                "--http-host", "127.0.0.1", "--http-port", String.valueOf(ConnectorProcess.freePort()), "--no-web",
                "--no-amqp-acceptor", "--no-mqtt-acceptor", "--no-stomp-acceptor", "--no-hornetq-acceptor",
                "--nio", "--no-autotune", "--java-memory", "256M", instance.toString()),
                instance.resolveSibling("artemis-create.out"));
        ProcessBuilder run = new ProcessBuilder(instance.resolve("bin/artemis").toString(), "run",
                "--properties", properties.toString()).redirectErrorStream(true).redirectOutput(console.toFile());
        // The instance's artemis.profile keeps JAVA_ARGS that are already set: a small heap for the test's broker.
        run.environment().put("JAVA_ARGS", "-Xms64M -Xmx256M -XX:+UseSerialGC -XX:TieredStopAtLevel=1"
                + " -Dlog4j2.disableJmx=true --add-opens java.base/jdk.internal.misc=ALL-UNNAMED");
        process = run.start();
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            assertThat(process.isAlive()).as("the Artemis broker (see " + console + ")").isTrue();
            if (Files.exists(console) && Files.readString(console).contains("AMQ221007")) { // Server is now active
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("Artemis not active within 60 s (see " + console + ")");
    }

    private static void run(List<String> command, Path output) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s (see %s)", command.get(1), output).isTrue();
        assertThat(p.exitValue()).as("%s (see %s)", command.get(1), output).isZero();
    }

    /** The broker's console output so far (its log). */
    String log() throws IOException {
        return Files.readString(console);
    }

    /** One attribute of a queue, from the broker's management address (messageCount, messagesAdded, ...). */
    long queueAttribute(String queue, String attribute) throws Exception {
        try (ServerLocator locator = ActiveMQClient.createServerLocator(url());
                ClientSessionFactory factory = locator.createSessionFactory();
                ClientSession session = factory.createSession(USER, password, false, true, true, false, 1)) {
            ClientRequestor requestor = new ClientRequestor(session, "activemq.management");
            session.start();
            ClientMessage request = session.createMessage(false);
            ManagementHelper.putAttribute(request, ResourceNames.QUEUE + queue, attribute);
            ClientMessage reply = requestor.request(request, 10_000);
            assertThat(reply).as("management reply for " + queue + "." + attribute).isNotNull();
            assertThat(ManagementHelper.hasOperationSucceeded(reply)).as(queue + "." + attribute).isTrue();
            requestor.close();
            return ((Number) ManagementHelper.getResult(reply)).longValue();
        }
    }

    /** Every message waiting on a queue, browsed (left there). */
    List<Message> browse(String queue) throws JMSException {
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url(), USER, password);
                Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            QueueBrowser browser = session.createBrowser(session.createQueue(queue));
            List<Message> messages = new ArrayList<>();
            Enumeration<?> e = browser.getEnumeration();
            while (e.hasMoreElements()) {
                messages.add((Message) e.nextElement());
            }
            return messages;
        }
    }

    /** SIGTERM (the broker's orderly stop), SIGKILL after 30 s. */
    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}

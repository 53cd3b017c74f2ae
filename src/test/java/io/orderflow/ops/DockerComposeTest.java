package io.orderflow.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.activemq.artemis.core.config.ha.SharedStoreBackupPolicyConfiguration;
import org.apache.activemq.artemis.core.config.ha.SharedStorePrimaryPolicyConfiguration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.utils.VersionLoader;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml (no Docker engine runs where orderflow is built, so {@code docker compose config} cannot check
 * it): parsed as YAML, its scale-out topology checked against the files it mounts. A broker primary/backup pair of
 * the official image at the Artemis version orderflow is built with, sharing one store; both read
 * docker/artemis/broker.properties and the HA files, which Artemis's own parser reads as the intended shared-store
 * policies and cluster connection; at least two connectors against both brokers with failover, each with its own
 * data volume, all behind the nginx front (docker/nginx/orderflow.conf) and scraped by Prometheus.
 */
class DockerComposeTest {

    static final String MOUNT = "/opt/orderflow-artemis/";

    @Test
    @SuppressWarnings("unchecked")
    void composeShowsTwoConnectorsAgainstABrokerPairWithTheFilesItMounts() throws Exception {
        Map<String, Object> compose;
        try (Reader reader = Files.newBufferedReader(Path.of("docker-compose.yml"))) {
            compose = new Yaml().load(reader);
        }
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
        Map<String, Object> volumes = (Map<String, Object>) compose.get("volumes");
        String image = "apache/activemq-artemis:" + VersionLoader.getVersion().getFullVersion();

        for (String role : List.of("primary", "backup")) {
            Map<String, Object> broker = services.get("artemis-" + role);
            assertThat(broker).as("service artemis-" + role).isNotNull();
            assertThat(broker.get("image")).as(role).isEqualTo(image);
            List<String> command = (List<String>) broker.get("command");
            assertThat(command).as(role).hasSize(3).startsWith("run", "--properties");
            assertThat(command.get(2).split(",")).as(role).containsExactly(MOUNT + "broker.properties",
                    MOUNT + "ha-cluster.properties", MOUNT + "ha-" + role + ".properties");
            List<String> mounts = (List<String>) broker.get("volumes");
            assertThat(mounts).as(role).contains("./docker/artemis:/opt/orderflow-artemis:ro",
                    "artemis-shared:/var/lib/artemis-shared", "artemis-" + role + ":/var/lib/artemis-instance");
            Map<String, Object> environment = (Map<String, Object>) broker.get("environment");
            assertThat(environment).as(role).containsKeys("ARTEMIS_USER", "ARTEMIS_PASSWORD", "ARTEMIS_CLUSTER_PASSWORD")
                    .containsEntry("ANONYMOUS_LOGIN", "false");

            // What that broker reads, parsed by Artemis itself: orderflow's settings plus the shared-store policy.
            ConfigurationImpl configuration = new ConfigurationImpl();
            configuration.parseProperties(String.join(",", List.of(
                    Path.of("docker/artemis/broker.properties").toAbsolutePath().toString(),
                    Path.of("docker/artemis/ha-cluster.properties").toAbsolutePath().toString(),
                    Path.of("docker/artemis/ha-" + role + ".properties").toAbsolutePath().toString())));
            assertThat(configuration.getStatus()).as(role).doesNotContain("\"errors\":[{");
            assertThat(configuration.getHAPolicyConfiguration()).as(role).isInstanceOf(role.equals("primary")
                    ? SharedStorePrimaryPolicyConfiguration.class : SharedStoreBackupPolicyConfiguration.class);
            if (configuration.getHAPolicyConfiguration() instanceof SharedStorePrimaryPolicyConfiguration primary) {
                assertThat(primary.isFailoverOnServerShutdown()).isTrue();
            }
            if (configuration.getHAPolicyConfiguration() instanceof SharedStoreBackupPolicyConfiguration backup) {
                assertThat(backup.isFailoverOnServerShutdown()).isTrue();
                assertThat(backup.isAllowFailBack()).isTrue();
            }
            assertThat(configuration.getJournalDirectory()).as(role).isEqualTo("/var/lib/artemis-shared/journal");
            assertThat(configuration.getBindingsDirectory()).as(role).isEqualTo("/var/lib/artemis-shared/bindings");
            assertThat(configuration.getNodeManagerLockDirectory()).as(role).isEqualTo("/var/lib/artemis-shared");
            assertThat(configuration.getClusterConfigurations()).as(role).hasSize(1);
            var cluster = configuration.getClusterConfigurations().get(0);
            String peer = role.equals("primary") ? "artemis-backup" : "artemis-primary";
            assertThat(cluster.getConnectorName()).as(role).isEqualTo("artemis-" + role);
            assertThat(cluster.getStaticConnectors()).as(role).containsExactly(peer);
            for (String connector : List.of("artemis-primary", "artemis-backup")) {
                var transport = configuration.getConnectorConfigurations().get(connector);
                assertThat(transport).as(role + " connector " + connector).isNotNull();
                assertThat(transport.getParams()).as(connector).containsEntry("host", connector)
                        .containsEntry("port", "61616");
            }
            // orderflow's queues on the pair as on a single broker
            assertThat(configuration.getAddressConfigurations()).as(role).hasSize(
                    new ConfigurationImpl().parseProperties(Path.of("docker/artemis/broker.properties").toAbsolutePath()
                            .toString()).getAddressConfigurations().size());
        }
        assertThat(services.get("artemis-store-init").get("entrypoint")).asString().contains("/var/lib/artemis-shared");
        assertThat(volumes).containsKeys("artemis-primary", "artemis-backup", "artemis-shared");

        List<String> connectors = new ArrayList<>();
        for (var service : services.entrySet()) {
            Map<String, Object> environment = (Map<String, Object>) service.getValue().get("environment");
            if (environment != null && "native".equals(environment.get("SPRING_ARTEMIS_MODE"))) {
                connectors.add(service.getKey());
                assertThat(environment).as(service.getKey()).containsEntry("SPRING_ARTEMIS_EMBEDDED_ENABLED", "false");
                assertThat(String.valueOf(environment.get("SPRING_ARTEMIS_BROKER_URL"))).as(service.getKey())
                        .startsWith("(tcp://artemis-primary:61616,tcp://artemis-backup:61616)?")
                        .contains("ha=true").contains("reconnectAttempts=-1");
                List<String> mounts = (List<String>) service.getValue().get("volumes");
                String data = mounts.stream().filter(m -> m.endsWith(":/app/data")).findFirst().orElseThrow();
                assertThat(volumes).as(service.getKey()).containsKey(data.substring(0, data.indexOf(':')));
                assertThat(mounts.stream().filter(m -> m.equals(data)).count()).isEqualTo(1);
            }
        }
        assertThat(connectors).as("connector services").hasSizeGreaterThanOrEqualTo(2);
        assertThat(connectors.stream().map(c -> ((List<String>) services.get(c).get("volumes")).stream()
                .filter(m -> m.endsWith(":/app/data")).findFirst().orElseThrow()).distinct()).as("own data volumes")
                .hasSameSizeAs(connectors);

        String nginx = Files.readString(Path.of("docker/nginx/orderflow.conf"));
        String prometheus = Files.readString(Path.of("docker/prometheus/prometheus.yml"));
        for (String connector : connectors) {
            assertThat(nginx).as("nginx upstreams").contains("server " + connector + ":8080;");
            assertThat(prometheus).as("Prometheus targets").contains("\"" + connector + ":8080\"");
        }
        assertThat((List<String>) services.get("webhooks").get("volumes"))
                .contains("./docker/nginx/orderflow.conf:/etc/nginx/conf.d/default.conf:ro");
        assertThat((List<String>) services.get("webhooks").get("ports")).containsExactly("8080:8080");
    }
}

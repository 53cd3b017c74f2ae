package io.orderflow.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.orderflow.support.Broker;
import io.orderflow.support.Queues;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Without orderflow.alerts.email: a parked order raises no queued alert (the queue never grows) and no mail. */
@CamelSpringBootTest
@SpringBootTest(properties = {"orderflow.data-dir=target/test-data/ops-alerts-off-${random.uuid}",
        "spring.artemis.embedded.server-id=89", "orderflow.alerts.batch-interval=1s",
        "orderflow.notifications.email.host=127.0.0.1", "orderflow.notifications.email.start-tls=false",
        "orderflow.notifications.email.from=orders@demo-shop.example"})
@ActiveProfiles("test")
class OpsAlertsDisabledTest {

    static final int SMTP_PORT = AlertsTestSupport.freePort();
    static final GreenMail MAIL = new GreenMail(new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

    static {
        MAIL.start();
    }

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
        registry.add("orderflow.notifications.email.port", () -> SMTP_PORT);
    }

    @AfterAll
    static void stop() {
        MAIL.stop();
    }

    @Autowired
    CamelContext camel;
    @Autowired
    JmsTemplate jms;
    @Autowired
    EmbeddedActiveMQ embedded;

    @Test
    void aParkedOrderQueuesNoAlertAndSendsNoMail() throws Exception {
        ObjectNode request = new ObjectMapper().createObjectNode().put("orderKey", "off:1").put("channel", "test-shopify");
        request.putObject("customer").put("email", "off-1@customer.example");
        jms.send("orderflow.notify.requests", session -> {
            var message = session.createTextMessage(request.toString());
            message.setStringProperty("orderKey", "off:1");
            message.setStringProperty("_AMQ_DUPL_ID", "alerts-off:1");
            return message;
        });

        assertThat(Queues.await(jms, "orderflow.review", "off:1")).hasSize(1);
        Thread.sleep(Duration.ofSeconds(3).toMillis());
        Broker broker = new Broker(embedded);
        assertThat(broker.added(OpsAlerts.QUEUE)).isZero();
        assertThat(broker.depth(OpsAlerts.QUEUE)).isZero();
        assertThat(camel.getRouteController().getRouteStatus("ops-alerts-mail")).isNotEqualTo(ServiceStatus.Started);
        assertThat(MAIL.getReceivedMessages()).isEmpty();
    }
}

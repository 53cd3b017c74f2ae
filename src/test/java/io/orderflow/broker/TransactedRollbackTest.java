package io.orderflow.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.support.Broker;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.context.ActiveProfiles;

/**
 * Rollback leaves no trace: what a transacted consumer sends while processing a message is committed with the
 * message's acknowledgement, so a failure after the send leaves nothing on the output queue.
 */
@CamelSpringBootTest
@SpringBootTest(properties = {"orderflow.data-dir=target/test-data/rollback-${random.uuid}",
        "spring.artemis.embedded.server-id=13"})
@ActiveProfiles("test")
class TransactedRollbackTest {

    @Autowired
    CamelContext camel;
    @Autowired
    JmsTemplate jms;
    @Autowired
    EmbeddedActiveMQ embedded;

    @Test
    void aFailureAfterASendRollsTheSendBack() throws Exception {
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("jms:queue:rollback.in?transacted=true").routeId("rollback-probe")
                        .to("jms:queue:rollback.out")
                        .throwException(new IllegalStateException("fails after the send"));
            }
        });
        jms.convertAndSend("rollback.in", "probe");
        Broker broker = new Broker(embedded);
        // Three attempts (test profile), then the broker dead-letters the probe.
        for (int i = 0; i < 200 && broker.queue("orderflow.dead-letter").getMessageCount() == 0; i++) {
            Thread.sleep(50);
        }
        assertThat(broker.queue("orderflow.dead-letter").getMessageCount()).isEqualTo(1);
        assertThat(broker.queue("rollback.out").getMessagesAdded()).as("sends rolled back").isZero();
    }

    @Test
    void aSendThroughDurableSendIsPartOfTheConsumersTransaction() throws Exception {
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("jms:queue:rollback.durable.in?transacted=true").routeId("rollback-durable-probe")
                        .setVariable("sendTo", constant("rollback.durable.out"))
                        .setVariable("duplicateId", simple("probe:${header.JMSMessageID}"))
                        .to("direct:durable-send")
                        .throwException(new IllegalStateException("fails after the durable send"));
            }
        });
        Broker broker = new Broker(embedded);
        long deadBefore = broker.queue("orderflow.dead-letter").getMessagesAdded();
        jms.convertAndSend("rollback.durable.in", "probe");
        for (int i = 0; i < 200 && broker.queue("orderflow.dead-letter").getMessagesAdded() == deadBefore; i++) {
            Thread.sleep(50);
        }
        assertThat(broker.queue("orderflow.dead-letter").getMessagesAdded()).isEqualTo(deadBefore + 1);
        assertThat(broker.queue("rollback.durable.out").getMessagesAdded()).as("durable sends rolled back").isZero();
    }
}

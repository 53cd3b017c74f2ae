package io.orderflow.broker;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;

/**
 * Artemis's AMQ222059 (a duplicate dropped, with the whole message dumped) stays out of the log after logback is
 * reset and configured again — Spring Boot does that whenever an application context starts, and a second context in
 * one JVM once let a running broker's duplicate through in the window before its own plugin was built. A logback
 * context of its own, so the test JVM's logging is not touched.
 */
class ArtemisDuplicateWarningFilterTest {

    @Test
    void theDuplicateWarningIsDroppedBeforeAndAfterEveryResetAndOtherArtemisWarningsPass() {
        LoggerContext context = new LoggerContext();
        context.start();
        DuplicateDeliveries.silenceArtemisDuplicateWarning(context);
        DuplicateDeliveries.silenceArtemisDuplicateWarning(context);

        for (int round = 0; round < 3; round++) {
            ListAppender<ILoggingEvent> appender = new ListAppender<>();
            appender.setContext(context);
            appender.start();
            Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
            root.addAppender(appender);
            Logger artemis = context.getLogger(DuplicateDeliveries.ARTEMIS_SERVER_LOGGER);

            artemis.warn("AMQ222059: Duplicate message detected - message will not be routed. Message information:\n{}",
                    "CoreMessage[address=orderflow.intake.shop, email=bob.norman@hostmail.com]");
            artemis.warn("AMQ222165: No Dead Letter Address configured for queue {}", "orderflow.intake.shop");
            context.getLogger("io.orderflow.Other").warn("AMQ222059 quoted by someone else");

            assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage)
                    .as("round %d", round)
                    .containsExactly("AMQ222165: No Dead Letter Address configured for queue orderflow.intake.shop",
                            "AMQ222059 quoted by someone else");
            assertThat(context.getTurboFilterList()).hasSize(1);

            context.reset();
        }
    }
}

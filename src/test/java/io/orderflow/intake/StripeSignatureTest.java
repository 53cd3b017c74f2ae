package io.orderflow.intake;

import static io.orderflow.support.Webhooks.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.Webhook;
import io.orderflow.support.Webhooks;
import org.junit.jupiter.api.Test;

/**
 * stripe-java (com.stripe:stripe-java) is the oracle: what it signs must verify with us, and every header it rejects
 * (stale, tampered, wrong secret) we reject too.
 */
class StripeSignatureTest {

    static final String SECRET = "whsec_test_secret_for_fixtures";
    static final String BODY = new String(fixture("stripe-payment_intent.succeeded.with-order-metadata.json"), StandardCharsets.UTF_8);
    static final Clock NOW = Clock.systemUTC();

    @Test
    void aHeaderStripeJavaGeneratesVerifies() throws Exception {
        String header = Webhook.Signature.generateSignatureHeader(BODY, SECRET);
        assertThat(Webhook.Signature.verifyHeader(BODY, header, SECRET, 300)).isTrue();
        StripeSignature.verify(bytes(BODY), header, List.of(SECRET), 300, NOW);
    }

    @Test
    void theFixtureVectorsVerifyAtTheirOwnTimeAndAreStaleNow() throws Exception {
        for (String name : List.of("stripe-payment_intent.succeeded.with-order-metadata.json",
                "stripe-payment_intent.payment_failed.with-order-metadata.json")) {
            JsonNode vector = Webhooks.vector(name);
            String body = new String(fixture(name), StandardCharsets.UTF_8);
            String header = vector.get("value").asText();
            Clock then = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L + 10), ZoneOffset.UTC);

            assertThat(Webhook.Signature.verifyHeader(body, header, SECRET, 300, then)).isTrue();
            StripeSignature.verify(bytes(body), header, List.of(SECRET), 300, then);
            StripeSignature.verify(bytes(body), header, List.of(SECRET), 0, NOW); // tolerance disabled

            assertThatThrownBy(() -> Webhook.Signature.verifyHeader(body, header, SECRET, 300))
                    .isInstanceOf(SignatureVerificationException.class).hasMessageContaining("tolerance");
            assertRejected(body, header, List.of(SECRET), "timestamp outside the tolerance zone");
        }
    }

    @Test
    void aTamperedBodyIsRejectedByBoth() throws Exception {
        String header = Webhook.Signature.generateSignatureHeader(BODY, SECRET);
        String tampered = BODY.replace("\"amount\": 2000", "\"amount\": 1");
        assertThat(tampered).isNotEqualTo(BODY);
        assertThatThrownBy(() -> Webhook.Signature.verifyHeader(tampered, header, SECRET, 300))
                .isInstanceOf(SignatureVerificationException.class);
        assertRejected(tampered, header, List.of(SECRET), "invalid signature");
    }

    @Test
    void aWrongSecretIsRejectedByBoth() throws Exception {
        String header = Webhook.Signature.generateSignatureHeader(BODY, "whsec_someone_else");
        assertThatThrownBy(() -> Webhook.Signature.verifyHeader(BODY, header, SECRET, 300))
                .isInstanceOf(SignatureVerificationException.class);
        assertRejected(BODY, header, List.of(SECRET), "invalid signature");
    }

    @Test
    void duringSecretRollingAnyV1UnderAnySecretVerifies() throws Exception {
        long t = Webhook.Util.getTimeNow();
        String oldSig = Webhook.Util.computeHmacSha256("whsec_old", t + "." + BODY);
        String newSig = Webhook.Util.computeHmacSha256(SECRET, t + "." + BODY);
        String header = "t=" + t + ",v1=" + oldSig + ",v1=" + newSig + ",v0=ignored";
        assertThat(Webhook.Signature.verifyHeader(BODY, header, SECRET, 300)).isTrue();
        StripeSignature.verify(bytes(BODY), header, List.of(SECRET), 300, NOW);
        StripeSignature.verify(bytes(BODY), "t=" + t + ",v1=" + oldSig, List.of(SECRET, "whsec_old"), 300, NOW);
    }

    @Test
    void malformedHeadersAreRejectedByBoth() {
        for (String header : new String[] {"", "v1=abc", "t=notanumber,v1=abc", "t=" + Webhook.Util.getTimeNow(),
                "t=" + Webhook.Util.getTimeNow() + ",v0=abc"}) {
            assertThatThrownBy(() -> Webhook.Signature.verifyHeader(BODY, header, SECRET, 300))
                    .as(header).isInstanceOf(Exception.class);
            assertThatThrownBy(() -> StripeSignature.verify(bytes(BODY), header, List.of(SECRET), 300, NOW))
                    .as(header).isInstanceOf(WebhookRejectedException.class)
                    .extracting(e -> ((WebhookRejectedException) e).getStatus()).isEqualTo(401);
        }
    }

    @Test
    void futureTimestampsPassAsInStripeJava() throws Exception {
        long future = Webhook.Util.getTimeNow() + 3600;
        String header = Webhook.Signature.generateSignatureHeader(BODY, SECRET, future);
        assertThat(Webhook.Signature.verifyHeader(BODY, header, SECRET, 300)).isTrue();
        StripeSignature.verify(bytes(BODY), header, List.of(SECRET), 300, NOW);
    }

    private static void assertRejected(String body, String header, List<String> secrets, String reason) {
        assertThatThrownBy(() -> StripeSignature.verify(bytes(body), header, secrets, 300, NOW))
                .isInstanceOf(WebhookRejectedException.class).hasMessage(reason);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

package io.orderflow.intake;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Stripe's webhook signature, checked exactly as stripe-java's {@code Webhook.Signature.verifyHeader} does:
 * header {@code Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...]}; the signed payload is
 * {@code t + "." + raw body}; each v1 is lower-case hex HMAC-SHA256 under the endpoint secret (used as UTF-8 bytes);
 * any matching v1 under any configured secret passes (secret rolling); only timestamps older than the tolerance are
 * rejected (a tolerance of 0 disables the check).
 */
public final class StripeSignature {

    private StripeSignature() {
    }

    /** Throws {@link WebhookRejectedException} (401) unless the header signs {@code body}. */
    public static void verify(byte[] body, String header, List<String> secrets, long toleranceSeconds, Clock clock) {
        if (header == null || header.isBlank()) {
            throw new WebhookRejectedException(401, "missing signature");
        }
        Long timestamp = null;
        List<byte[]> signatures = new ArrayList<>();
        for (String item : header.split(",")) {
            int eq = item.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = item.substring(0, eq).trim();
            String value = item.substring(eq + 1).trim();
            if (key.equals("t")) {
                try {
                    timestamp = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new WebhookRejectedException(401, "malformed signature header");
                }
            } else if (key.equals("v1")) {
                signatures.add(value.getBytes(StandardCharsets.US_ASCII));
            }
        }
        if (timestamp == null) {
            throw new WebhookRejectedException(401, "malformed signature header");
        }
        if (signatures.isEmpty()) {
            throw new WebhookRejectedException(401, "no v1 signature");
        }
        byte[] prefix = (timestamp + ".").getBytes(StandardCharsets.UTF_8);
        byte[] signedPayload = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, signedPayload, 0, prefix.length);
        System.arraycopy(body, 0, signedPayload, prefix.length, body.length);
        boolean matched = false;
        for (String secret : secrets) {
            byte[] expected = HexFormat.of().formatHex(HmacSignatures.hmacSha256(secret, signedPayload))
                    .getBytes(StandardCharsets.US_ASCII);
            for (byte[] candidate : signatures) {
                matched |= MessageDigest.isEqual(expected, candidate);
            }
        }
        if (!matched) {
            throw new WebhookRejectedException(401, "invalid signature");
        }
        if (toleranceSeconds > 0 && timestamp < clock.millis() / 1000 - toleranceSeconds) {
            throw new WebhookRejectedException(401, "timestamp outside the tolerance zone");
        }
    }
}

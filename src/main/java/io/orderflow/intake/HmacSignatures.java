package io.orderflow.intake;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 helpers shared by the webhook verifiers. Comparisons are constant time. */
public final class HmacSignatures {

    private HmacSignatures() {
    }

    public static byte[] hmacSha256(String secret, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /**
     * True when {@code base64Signature} is the base64 HMAC-SHA256 of {@code body} under any of {@code secrets}
     * (the default webhook signature of a shop platform). Every secret is tried, so the
     * time taken does not reveal which one matched.
     */
    public static boolean matchesBase64(byte[] body, String base64Signature, List<String> secrets) {
        byte[] provided;
        try {
            provided = Base64.getDecoder().decode(base64Signature.trim());
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
        boolean matched = false;
        for (String secret : secrets) {
            matched |= MessageDigest.isEqual(hmacSha256(secret, body), provided);
        }
        return matched;
    }
}

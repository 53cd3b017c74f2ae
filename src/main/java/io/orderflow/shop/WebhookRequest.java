package io.orderflow.shop;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A shop webhook as it arrived, for the {@link ShopPlatform} that reads it: the raw body bytes (exactly as signed)
 * and the request headers, looked up case-insensitively (HTTP/2 lower-cases them).
 */
public record WebhookRequest(byte[] body, Function<String, String> headers) {

    /** What a header value or id may look like to be used in a key, a log line or a header of orderflow's own. */
    public static final Pattern SAFE_TOKEN = Pattern.compile("[A-Za-z0-9_./:-]{1,128}");

    public String header(String name) {
        return headers.apply(name);
    }

    /** The first of these headers whose value is a safe token (see {@link #SAFE_TOKEN}), or null. */
    public String firstSafeHeader(String... names) {
        for (String name : names) {
            String value = header(name);
            if (value != null && SAFE_TOKEN.matcher(value).matches()) {
                return value;
            }
        }
        return null;
    }

    /** Hex SHA-256 of the raw body: the delivery identity of last resort when the sender names none. */
    public String bodySha256() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

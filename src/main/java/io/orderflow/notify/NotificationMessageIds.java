package io.orderflow.notify;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code Message-ID} of a notification mail, derived from its idempotency key ({@code <template>:<orderKey>
 * [:<package>]:email}, the key of its "sent" marker): the same notification always gets the same Message-ID, a
 * different order, event or package a different one.
 *
 * <p>This is what closes the known double-mail window from the receiving side: when SMTP accepted a mail and the
 * connector stopped before the "sent" marker was written, the redelivered request sends the mail again, with the same
 * Message-ID, so an MTA or mail client that drops repeated Message-IDs shows it once and a test can tell the copy is
 * the same mail (docs/notifications.md, "Exactly once").
 *
 * <p>Form (RFC 5322 msg-id): {@code <orderflow.<first 32 hex digits of SHA-256(key)>@<domain of the sender>>}. The key
 * itself (which holds the order key and ':'s, not allowed in a msg-id) is not shown; the sender's domain makes the id
 * globally unique per shop, as RFC 5322 asks. A sender without a readable domain gives {@code orderflow.invalid}.
 */
public final class NotificationMessageIds {

    private static final Pattern DOMAIN = Pattern.compile("@([A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)\\s*>?\\s*$");

    private NotificationMessageIds() {
    }

    public static String of(String notificationKey, String from) {
        if (notificationKey == null || notificationKey.isBlank()) {
            throw new IllegalArgumentException("a Message-ID needs the notification key");
        }
        return "<orderflow." + sha256(notificationKey).substring(0, 32) + "@" + domainOf(from) + ">";
    }

    static String domainOf(String from) {
        if (from != null) {
            Matcher m = DOMAIN.matcher(from.strip());
            if (m.find()) {
                return m.group(1).toLowerCase(Locale.ROOT);
            }
        }
        return "orderflow.invalid";
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

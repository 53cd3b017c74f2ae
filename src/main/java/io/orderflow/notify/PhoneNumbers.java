package io.orderflow.notify;

import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.ValidationResult;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

/**
 * A customer's phone number as the SMS provider needs it: E.164 ({@code +15556251199}). Shops pass on what the
 * customer typed ({@code 555-625-1199}, {@code 0171 1234567}, {@code (030) 123456}); Twilio refuses anything but
 * E.164. Parsed with Google's libphonenumber: a number with a leading {@code +} (or {@code 00}) carries its country;
 * a national number is read in the order's country (shipping address, else billing address: {@link #regionOf}).
 *
 * <p>The number must have a possible length for its country (libphonenumber's "possible", not "valid": a number in a
 * range not yet assigned, like the 555 test numbers, is still sent; the provider has the last word). A number that
 * cannot be read (empty, letters, too short or too long, national without a country) gives empty: the notify stage
 * then skips the SMS with an INFO line and still sends the e-mail.
 */
public final class PhoneNumbers {

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

    private PhoneNumbers() {
    }

    /**
     * The number in E.164, or empty when it cannot be made one.
     *
     * @param raw    as the shop gave it
     * @param region ISO 3166-1 alpha-2 country for a national number (e.g. US, DE), or null
     */
    public static Optional<String> e164(String raw, String region) {
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        String text = raw.strip();
        // Letters other than an extension marker are not a phone number we text (vanity numbers are not mobiles).
        if (text.chars().anyMatch(Character::isLetter) || text.replaceAll("[^0-9]", "").isEmpty()) {
            return Optional.empty();
        }
        String country = normaliseRegion(region);
        try {
            PhoneNumber number = UTIL.parse(text, country == null ? "ZZ" : country);
            if (UTIL.isPossibleNumberWithReason(number) != ValidationResult.IS_POSSIBLE) {
                return Optional.empty();
            }
            return Optional.of(UTIL.format(number, PhoneNumberFormat.E164));
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }

    /**
     * The country to read a national number in: request field {@code country}, else {@code shippingAddress.country},
     * else {@code billingAddress.country}, else {@code customer.country} (an order or a notification request).
     */
    public static String regionOf(JsonNode request) {
        for (JsonNode candidate : new JsonNode[] {request.path("country"), request.path("shippingAddress").path("country"),
                request.path("billingAddress").path("country"), request.path("customer").path("country")}) {
            String region = normaliseRegion(candidate.isTextual() ? candidate.asText() : null);
            if (region != null) {
                return region;
            }
        }
        return null;
    }

    private static String normaliseRegion(String region) {
        if (region == null) {
            return null;
        }
        String code = region.strip().toUpperCase(Locale.ROOT);
        return code.length() == 2 && UTIL.getSupportedRegions().contains(code) ? code : null;
    }
}

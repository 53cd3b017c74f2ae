package io.orderflow.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Real-shaped customer numbers as shops pass them on, to E.164 for Twilio, or skipped. */
class PhoneNumbersTest {

    @ParameterizedTest(name = "{0} in {1} -> {2}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            // Shopify's demo customer: national US number, order in the US
            "555-625-1199       | US   | +15556251199",
            "(555) 625-1199     | US   | +15556251199",
            "1-555-625-1199     | US   | +15556251199",
            "+1 555 625 1199    | DE   | +15556251199",   // international: the order's country does not matter
            "+44 20 7946 0958   | null | +442079460958",
            "+44 (0)20 7946 0958| US   | +442079460958",
            "0044 20 7946 0958  | DE   | +442079460958",  // international prefix from Germany
            "0171 1234567       | DE   | +491711234567",
            "(030) 123456       | DE   | +4930123456",
            "+49 30 123456      | null | +4930123456",
            "0171 1234567       | de   | +491711234567",  // lower-case country code
            // cannot be made E.164: skipped
            "555-625-1199       | null | null",            // national, no country to read it in
            "555-625-1199       | XX   | null",            // not a country
            "''                 | US   | null",
            "'   '              | US   | null",
            "null               | US   | null",
            "call me            | US   | null",
            "0171 CALLME        | DE   | null",
            "12                 | DE   | null",            // too short
            "+49 1              | null | null",            // too short
            "+1 555 625 1199 1234 5678 | US | null",       // too long
            "---                | US   | null",
    })
    void e164(String raw, String region, String expected) {
        assertThat(PhoneNumbers.e164(raw, region).orElse(null)).isEqualTo(expected);
    }

    @Test
    void theRegionIsTheRequestsCountryElseShippingElseBillingElseTheCustomers() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertThat(PhoneNumbers.regionOf(json.readTree("{\"country\":\"us\",\"shippingAddress\":{\"country\":\"DE\"}}")))
                .isEqualTo("US");
        assertThat(PhoneNumbers.regionOf(json.readTree(
                "{\"shippingAddress\":{\"country\":\"DE\"},\"billingAddress\":{\"country\":\"GB\"}}"))).isEqualTo("DE");
        assertThat(PhoneNumbers.regionOf(json.readTree(
                "{\"shippingAddress\":{\"country\":null},\"billingAddress\":{\"country\":\"GB\"}}"))).isEqualTo("GB");
        assertThat(PhoneNumbers.regionOf(json.readTree("{\"customer\":{\"country\":\"AT\"}}"))).isEqualTo("AT");
        assertThat(PhoneNumbers.regionOf(json.readTree("{\"shippingAddress\":{\"country\":\"Germany\"}}"))).isNull();
        assertThat(PhoneNumbers.regionOf(json.readTree("{}"))).isNull();
    }
}

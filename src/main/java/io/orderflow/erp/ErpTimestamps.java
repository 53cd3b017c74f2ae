package io.orderflow.erp;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;

/**
 * The ERPs' change timestamps as they send them ("2026-11-28 10:15:02" in Odoo, "2026-11-28 10:15:02.123456" in
 * ERPNext, both naive), used as the periodic stock sync's watermark: compared as the ERP compares them, moved back by
 * the overlap in the same shape.
 */
final class ErpTimestamps {

    private static final DateTimeFormatter PARSE = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd")
            .optionalStart().appendLiteral(' ').optionalEnd()
            .optionalStart().appendLiteral('T').optionalEnd()
            .appendPattern("HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .toFormatter();
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

    private ErpTimestamps() {
    }

    static LocalDateTime parse(String timestamp) {
        return LocalDateTime.parse(timestamp.trim(), PARSE);
    }

    /** The timestamp moved back by the overlap, written the way the ERP wrote it (with or without fraction). */
    static String minus(String timestamp, Duration overlap) {
        LocalDateTime earlier = parse(timestamp).minus(overlap);
        return (timestamp.contains(".") ? MICROS : SECONDS).format(earlier);
    }

    /** An ERP timestamp read as UTC, as an ISO-8601 instant to the second ("2026-11-29T10:00:00Z"); null stays null. */
    static String instant(String timestamp) {
        if (timestamp == null || timestamp.isBlank()) {
            return null;
        }
        return parse(timestamp).withNano(0).atOffset(java.time.ZoneOffset.UTC).toInstant().toString();
    }

    /** The later of two ERP timestamps (null counts as earliest). */
    static String max(String a, String b) {
        if (a == null || a.isBlank()) {
            return b;
        }
        if (b == null || b.isBlank()) {
            return a;
        }
        return parse(a).isBefore(parse(b)) ? b : a;
    }
}

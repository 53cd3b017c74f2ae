package io.orderflow.gate;

import java.math.BigDecimal;
import java.util.Currency;

/** Exact money arithmetic for the gate: decimal strings and minor units, never binary floating point. */
public final class Money {

    private Money() {
    }

    /** Decimal places of a currency's minor unit (2 for EUR/USD, 0 for JPY, 3 for KWD). */
    public static int fractionDigits(String currency) {
        int digits = Currency.getInstance(currency).getDefaultFractionDigits();
        return digits < 0 ? 2 : digits;
    }

    /** "409.94" USD -> 40994. Throws ArithmeticException if the amount has more decimals than the currency. */
    public static long toMinor(String decimal, String currency) {
        return new BigDecimal(decimal).movePointRight(fractionDigits(currency)).longValueExact();
    }

    /** 40994 USD -> "409.94". */
    public static String toDecimal(long minor, String currency) {
        return BigDecimal.valueOf(minor).movePointLeft(fractionDigits(currency)).toPlainString();
    }
}

package io.orderflow.erp;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Net prices for an ERP without price-included taxes (Tryton 6.0) that still add up to what the customer paid.
 *
 * <p>The ERP computes tax on net amounts and rounds it per document and tax (Tryton's default "document" tax
 * rounding): total = Σ net + Σ over rates round(rate × Σ net at that rate). Dividing each gross amount by (1 + rate)
 * and rounding line by line can miss the customer's total by a cent or more. So, per rate, the net sum U is chosen
 * first (the amount at the currency's places closest to gross / (1 + rate) for which U + round(U × rate) equals the
 * gross sum exactly), each line gets its gross / (1 + rate) rounded, and the remaining cent(s) go to the line with
 * the largest amount. A gross sum that no net amount reaches exactly (a rounding gap: possible when the rate
 * exceeds 100 % / 1 cent steps are skipped) keeps the closest, at most one cent off, within the total check's
 * default tolerance.
 *
 * <p>The unit price is then the line's net amount / quantity, to 4 places (Tryton's unit price digits); for
 * quantities below 100 the line amount (quantity × unit price, rounded to the currency) is the net amount again.
 */
public final class TaxIncludedPrices {

    private TaxIncludedPrices() {
    }

    /** A line: its gross amount (tax included) and its combined tax rate as a fraction (0.19). */
    public record Gross(BigDecimal amount, BigDecimal rate) {
    }

    /** The net amount of each line, in the order given, at the currency's places. */
    public static List<BigDecimal> netAmounts(List<Gross> lines, int scale) {
        List<BigDecimal> nets = new ArrayList<>();
        Map<BigDecimal, List<Integer>> byRate = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            nets.add(null);
            byRate.computeIfAbsent(lines.get(i).rate().stripTrailingZeros(), r -> new ArrayList<>()).add(i);
        }
        byRate.forEach((rate, members) -> {
            BigDecimal divisor = BigDecimal.ONE.add(rate);
            BigDecimal gross = BigDecimal.ZERO;
            BigDecimal sum = BigDecimal.ZERO;
            int largest = members.get(0);
            for (int i : members) {
                BigDecimal g = lines.get(i).amount();
                gross = gross.add(g);
                BigDecimal net = g.divide(divisor, scale, RoundingMode.HALF_EVEN);
                nets.set(i, net);
                sum = sum.add(net);
                if (g.abs().compareTo(lines.get(largest).amount().abs()) > 0) {
                    largest = i;
                }
            }
            BigDecimal target = netSum(gross, rate, scale);
            nets.set(largest, nets.get(largest).add(target.subtract(sum)));
        });
        return nets;
    }

    /** The net sum whose tax, rounded as the ERP rounds it, makes exactly {@code gross}; else the closest. */
    static BigDecimal netSum(BigDecimal gross, BigDecimal rate, int scale) {
        BigDecimal start = gross.divide(BigDecimal.ONE.add(rate), scale, RoundingMode.HALF_EVEN);
        BigDecimal step = BigDecimal.ONE.movePointLeft(scale);
        BigDecimal best = start;
        BigDecimal bestMiss = null;
        for (int k : new int[] {0, -1, 1, -2, 2, -3, 3}) {
            BigDecimal candidate = start.add(step.multiply(BigDecimal.valueOf(k)));
            BigDecimal total = candidate.add(candidate.multiply(rate).setScale(scale, RoundingMode.HALF_EVEN));
            BigDecimal miss = total.subtract(gross).abs();
            if (bestMiss == null || miss.compareTo(bestMiss) < 0) {
                best = candidate;
                bestMiss = miss;
            }
            if (miss.signum() == 0) {
                break;
            }
        }
        return best;
    }

    /** The unit price for a net line amount: exact where it divides, else to 4 places. */
    public static BigDecimal unitPrice(BigDecimal net, BigDecimal quantity) {
        if (quantity.signum() == 0) {
            return net;
        }
        try {
            BigDecimal exact = net.divide(quantity);
            return exact.scale() <= 4 ? exact : net.divide(quantity, 4, RoundingMode.HALF_EVEN);
        } catch (ArithmeticException nonTerminating) {
            return net.divide(quantity, 4, RoundingMode.HALF_EVEN);
        }
    }
}

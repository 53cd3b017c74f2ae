package io.orderflow.erp;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Net prices for an ERP without price-included taxes (Tryton 6.0) whose total is exactly what the customer paid.
 *
 * <p>The ERP computes tax on net amounts and rounds it per document and tax (Tryton's default "document" tax
 * rounding), keeping lines with a negative amount (discounts) in a tax group of their own: total = Σ net + Σ over
 * rates and signs round(rate × Σ net of that group). (Found against the real Tryton: one group for all lines of a
 * rate misses by a cent when a discount line is there.) Two things make that miss the customer's
 * total if the net prices are simply copied or divided out: a gross price divided by (1 + rate) and rounded per line,
 * and a shop that rounds tax per line (most shops do, unless set to round at the subtotal) while the ERP rounds per
 * document — a 50-line order easily ends several cents apart. So, per rate, the net sum U is chosen first: the
 * amount at the currency's places closest to gross / (1 + rate) for which U + round(U × rate) is the customer's
 * gross for that rate exactly. Every line starts from its own net (prices excluding tax: the shop's net, unchanged;
 * prices including tax: gross / (1 + rate), rounded), and the difference to U goes to the line with the largest
 * positive amount, after what the negative lines add. A gross that no net sum reaches exactly (a gap of the rounding) keeps the closest, one cent off, within the
 * total check's default tolerance.
 *
 * <p>The unit price is then the line's net amount / quantity, to 4 places (Tryton's unit price digits); for
 * quantities below 100 the line amount (quantity × unit price, rounded to the currency) is the net amount again.
 */
public final class NetPrices {

    private NetPrices() {
    }

    /**
     * A sale line: where its net starts, its combined tax rate (0.19), and what it contributes to the customer's
     * gross total (only the sum per rate matters: a discount line may contribute nothing when its product line's
     * gross is already after the discount).
     */
    public record Item(BigDecimal startNet, BigDecimal rate, BigDecimal gross) {
    }

    /** The net amount of each item, in the order given, at the currency's places. */
    public static List<BigDecimal> netAmounts(List<Item> items, int scale) {
        List<BigDecimal> nets = new ArrayList<>();
        Map<BigDecimal, List<Integer>> byRate = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i++) {
            nets.add(items.get(i).startNet().setScale(Math.max(scale, items.get(i).startNet().scale())));
            byRate.computeIfAbsent(items.get(i).rate().stripTrailingZeros(), r -> new ArrayList<>()).add(i);
        }
        byRate.forEach((rate, members) -> {
            // The ERP keeps lines with a negative base (discounts) in a tax group of their own (Tryton: "credit
            // note" tax lines) and rounds each group's tax by itself: their nets stay as they start, and the positive
            // lines take up what they add to the customer's total.
            BigDecimal gross = BigDecimal.ZERO;
            BigDecimal negative = BigDecimal.ZERO;
            Integer largest = null;
            BigDecimal positive = BigDecimal.ZERO;
            for (int i : members) {
                gross = gross.add(items.get(i).gross());
                if (nets.get(i).signum() < 0) {
                    negative = negative.add(nets.get(i));
                } else {
                    positive = positive.add(nets.get(i));
                    if (largest == null || nets.get(i).compareTo(nets.get(largest)) > 0) {
                        largest = i;
                    }
                }
            }
            if (largest == null) {
                return;   // only negative lines at this rate: nothing to take up the difference
            }
            // A positive sum can fall in a gap of the rounding; then a cent moved on the largest negative line
            // (the discount) makes the total exact.
            Integer largestNegative = null;
            for (int i : members) {
                if (nets.get(i).signum() < 0 && (largestNegative == null || nets.get(i).compareTo(nets.get(largestNegative)) < 0)) {
                    largestNegative = i;
                }
            }
            BigDecimal step = BigDecimal.ONE.movePointLeft(scale);
            BigDecimal chosenShift = BigDecimal.ZERO;
            BigDecimal target = null;
            for (int k : largestNegative == null ? new int[] {0} : new int[] {0, -1, 1, -2, 2}) {
                BigDecimal shift = step.multiply(BigDecimal.valueOf(k));
                BigDecimal neg = negative.add(shift);
                BigDecimal negativeTotal = neg.add(neg.multiply(rate).setScale(scale, RoundingMode.HALF_EVEN));
                BigDecimal candidate = netSum(gross.subtract(negativeTotal), rate, scale);
                if (target == null || total(candidate, rate, scale).add(negativeTotal).compareTo(gross) == 0) {
                    target = candidate;
                    chosenShift = shift;
                    if (total(candidate, rate, scale).add(negativeTotal).compareTo(gross) == 0) {
                        break;
                    }
                }
            }
            if (largestNegative != null) {
                nets.set(largestNegative, nets.get(largestNegative).add(chosenShift));
            }
            nets.set(largest, nets.get(largest).add(target.subtract(positive)));
        });
        return nets;
    }

    /** gross / (1 + rate) at the currency's places: where a tax-included line's net starts. */
    public static BigDecimal netOf(BigDecimal gross, BigDecimal rate, int scale) {
        return gross.divide(BigDecimal.ONE.add(rate), scale, RoundingMode.HALF_EVEN);
    }

    private static BigDecimal total(BigDecimal net, BigDecimal rate, int scale) {
        return net.add(net.multiply(rate).setScale(scale, RoundingMode.HALF_EVEN));
    }

    /** The net sum whose tax, rounded as the ERP rounds it, makes exactly {@code gross}; else the closest. */
    static BigDecimal netSum(BigDecimal gross, BigDecimal rate, int scale) {
        BigDecimal start = netOf(gross, rate, scale);
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

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
 * rounding): total = Σ net + Σ over rates round(rate × Σ net at that rate). Two things make that miss the customer's
 * total if the net prices are simply copied or divided out: a gross price divided by (1 + rate) and rounded per line,
 * and a shop that rounds tax per line (Shopify; WooCommerce unless it rounds at subtotal) while the ERP rounds per
 * document — a 50-line order easily ends several cents apart. So, per rate, the net sum U is chosen first: the
 * amount at the currency's places closest to gross / (1 + rate) for which U + round(U × rate) is the customer's
 * gross for that rate exactly. Every line starts from its own net (prices excluding tax: the shop's net, unchanged;
 * prices including tax: gross / (1 + rate), rounded), and the difference to U goes to the line with the largest
 * amount. A gross that no net sum reaches exactly (a gap of the rounding) keeps the closest, one cent off, within the
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
            BigDecimal gross = BigDecimal.ZERO;
            BigDecimal sum = BigDecimal.ZERO;
            int largest = members.get(0);
            for (int i : members) {
                gross = gross.add(items.get(i).gross());
                sum = sum.add(nets.get(i));
                if (nets.get(i).abs().compareTo(nets.get(largest).abs()) > 0) {
                    largest = i;
                }
            }
            BigDecimal target = netSum(gross, rate, scale);
            nets.set(largest, nets.get(largest).add(target.subtract(sum)));
        });
        return nets;
    }

    /** gross / (1 + rate) at the currency's places: where a tax-included line's net starts. */
    public static BigDecimal netOf(BigDecimal gross, BigDecimal rate, int scale) {
        return gross.divide(BigDecimal.ONE.add(rate), scale, RoundingMode.HALF_EVEN);
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

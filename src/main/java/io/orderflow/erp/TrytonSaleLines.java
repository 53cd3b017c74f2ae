package io.orderflow.erp;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * The lines of a Tryton sale for an order (Tryton 6.0 has no price-included taxes): one per product, one discount
 * line (negative, the discount product, the taxes of the line it reduces) per discounted line, one per shipping
 * charge (the shipping product), each with a net unit price from {@link NetPrices}, so that Tryton's total is the
 * customer's. A line whose net does not divide by its quantity to the cent is split in two lines of the same product
 * whose unit prices differ by one cent (e.g. 1000 x 0.99 including 19 %: 807 x 0.83 and 193 x 0.84 = 831.93), so that
 * every line amount, and the tax Tryton computes on it, is exact.
 */
public final class TrytonSaleLines {

    private TrytonSaleLines() {
    }

    public enum Kind { product, discount, shipping }

    /** {@code sku}: the product line's SKU (also for its discount line); null for shipping. */
    public record SaleLine(Kind kind, String sku, BigDecimal quantity, String description, BigDecimal unitPrice,
            BigDecimal rate) {
    }

    public static List<SaleLine> of(OrderAmounts amounts) {
        List<SaleLine> lines = new ArrayList<>();
        List<NetPrices.Item> items = new ArrayList<>();
        boolean included = amounts.taxesIncluded();
        int scale = amounts.scale();
        for (OrderAmounts.Line line : amounts.all()) {
            boolean shipping = line.kind() == OrderAmounts.Kind.shipping;
            BigDecimal rate = line.totalRate();
            BigDecimal listed = line.listedAmount();
            lines.add(new SaleLine(shipping ? Kind.shipping : Kind.product, line.sku(), line.quantity(),
                    (shipping ? "Shipping: " : "") + line.name(), null, rate));
            items.add(new NetPrices.Item(included ? NetPrices.netOf(listed, rate, scale) : listed, rate,
                    included ? listed : line.gross()));
            if (line.discount().signum() != 0) {
                BigDecimal discount = line.discount().negate();
                lines.add(new SaleLine(Kind.discount, line.sku(), BigDecimal.ONE, "Discount"
                        + (line.discountTitle() == null ? "" : " " + line.discountTitle()) + ": " + line.name(), null, rate));
                items.add(new NetPrices.Item(included ? NetPrices.netOf(discount, rate, scale) : discount, rate,
                        included ? discount : BigDecimal.ZERO));
            }
        }
        List<BigDecimal> nets = NetPrices.netAmounts(items, scale);
        List<SaleLine> priced = new ArrayList<>();
        BigDecimal step = BigDecimal.ONE.movePointLeft(scale);
        for (int i = 0; i < lines.size(); i++) {
            SaleLine l = lines.get(i);
            BigDecimal net = nets.get(i);
            BigDecimal q = l.quantity();
            BigDecimal unit = q.signum() == 0 ? net : net.divide(q, scale, RoundingMode.FLOOR);
            BigDecimal rest = q.signum() == 0 ? BigDecimal.ZERO : net.subtract(unit.multiply(q));
            if (rest.signum() == 0 || q.stripTrailingZeros().scale() > 0) {
                priced.add(new SaleLine(l.kind(), l.sku(), q, l.description(), q.signum() == 0 ? net : NetPrices.unitPrice(net, q), l.rate()));
            } else {
                // net / quantity has more places than the currency (3 x 10.00 incl. tax, 1000 x 0.99): k units
                // one cent dearer than the others, so that both line amounts, and their tax, are exact.
                BigDecimal dearer = rest.divide(step, 0, RoundingMode.UNNECESSARY);
                priced.add(new SaleLine(l.kind(), l.sku(), q.subtract(dearer), l.description(), unit, l.rate()));
                priced.add(new SaleLine(l.kind(), l.sku(), dearer, l.description(), unit.add(step), l.rate()));
            }
        }
        // What no net price reaches (a gap of the tax rounding: 3 x 9.99 incl. 19 % is 25.18 + 4.78 or 25.19 + 4.79,
        // never 29.97) becomes an untaxed rounding line on the discount product, so the total is still exact.
        BigDecimal gross = amounts.grossTotal();
        BigDecimal residual = gross.subtract(total(priced, scale));
        if (residual.signum() != 0) {
            priced.add(new SaleLine(Kind.discount, null, BigDecimal.ONE, "Rounding to the amount paid", residual,
                    BigDecimal.ZERO));
        }
        return priced;
    }

    /**
     * The sale's total as Tryton 6.0 computes it: line amounts rounded to the currency; tax per rate and sign of
     * the line (negative lines are a tax group of their own), on the unrounded amounts, rounded per group
     * ("document" tax rounding).
     */
    static BigDecimal total(List<SaleLine> lines, int scale) {
        BigDecimal untaxed = BigDecimal.ZERO;
        java.util.Map<String, BigDecimal> bases = new java.util.LinkedHashMap<>();
        java.util.Map<String, BigDecimal> rates = new java.util.LinkedHashMap<>();
        for (SaleLine l : lines) {
            BigDecimal amount = l.unitPrice().multiply(l.quantity());
            untaxed = untaxed.add(amount.setScale(scale, RoundingMode.HALF_EVEN));
            String group = l.rate().stripTrailingZeros().toPlainString() + (amount.signum() < 0 ? "-" : "+");
            bases.merge(group, amount, BigDecimal::add);
            rates.put(group, l.rate());
        }
        BigDecimal total = untaxed;
        for (java.util.Map.Entry<String, BigDecimal> group : bases.entrySet()) {
            total = total.add(group.getValue().multiply(rates.get(group.getKey())).setScale(scale, RoundingMode.HALF_EVEN));
        }
        return total;
    }
}

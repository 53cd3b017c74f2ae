package io.orderflow.erp;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The lines of a Tryton sale for an order (Tryton 6.0 has no price-included taxes): one per product, one discount
 * line (negative, the discount product, the taxes of the line it reduces) per discounted line, one per shipping
 * charge (the shipping product), each with a net unit price from {@link NetPrices}, so that Tryton's total is the
 * customer's.
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
        for (int i = 0; i < lines.size(); i++) {
            SaleLine l = lines.get(i);
            priced.add(new SaleLine(l.kind(), l.sku(), l.quantity(), l.description(),
                    NetPrices.unitPrice(nets.get(i), l.quantity()), l.rate()));
        }
        return priced;
    }
}

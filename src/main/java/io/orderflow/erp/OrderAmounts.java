package io.orderflow.erp;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderflow.gate.Money;

/**
 * Every amount of a canonical order, exact ({@link BigDecimal}, never a double), derived from what the shop mapping
 * copied: per product line and per shipping line the listed price, the discount, the net (excluding tax), the tax
 * and the gross (what the customer paid for it), and the tax rates. The ERP request mappings receive these as
 * decimal strings ({@link #toJson}), so no mapping computes with money.
 *
 * <p>Rules (docs/erp.md, "Money"):
 * <ul>
 * <li>a line with {@code netTotal} (a shop that states net line totals) is net-based: net = netTotal, gross = net + taxes, the discount is
 * the difference to {@code netSubtotal} (plus its tax, when prices include tax);</li>
 * <li>otherwise (a shop that states unit prices and discount allocations) the listed amount is quantity × unitPrice, the discount the sum of its allocations; when
 * taxesIncluded the remainder is the gross and net = gross − taxes, else it is the net and gross = net + taxes;</li>
 * <li>a line's tax is the sum of its taxes, rounded half-up to the currency's places (some shops state each
 * tax with more places, the line total to the cent);</li>
 * <li>a tax's rate is its {@code rate} (fraction), else {@code ratePercent} / 100, else inferred from the line as
 * tax / net to 4 places (an untaxed line has no rate);</li>
 * <li>a shipping line of 0.00 (free shipping) is no charge and is left out;</li>
 * <li>a listed unit price is the listed line amount / quantity, exact where it divides to the currency's places,
 * else rounded half-even to 4 places (ERPs keep 4 for unit prices).</li>
 * </ul>
 */
public record OrderAmounts(String currency, int scale, boolean taxesIncluded, List<Line> lines, List<Line> shipping,
        BigDecimal shopTotal) {

    public enum Kind { product, shipping }

    /**
     * One line as every ERP needs it. {@code listedUnitPrice}, {@code listedAmount} and {@code discount} are in the
     * order's basis (gross when taxesIncluded, else net); {@code net}, {@code tax} and {@code gross} are after
     * discounts.
     */
    public record Line(Kind kind, String lineId, String sku, String name, BigDecimal quantity,
            BigDecimal listedUnitPrice, BigDecimal listedAmount, BigDecimal discount, String discountTitle,
            BigDecimal net, BigDecimal tax, BigDecimal gross, List<BigDecimal> rates) {

        /** The line's combined tax rate (19 % and 2 % -> 0.21); zero when untaxed. */
        public BigDecimal totalRate() {
            return rates.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        }
    }

    public static OrderAmounts of(JsonNode order) {
        String currency = order.path("currency").asText("EUR");
        int scale = Money.fractionDigits(currency);
        boolean included = order.path("taxesIncluded").asBoolean(false);
        List<Line> lines = new ArrayList<>();
        for (JsonNode l : order.path("lines")) {
            lines.add(line(Kind.product, l, l.path("quantity").decimalValue(), l.path("unitPrice"), included, scale));
        }
        List<Line> shipping = new ArrayList<>();
        for (JsonNode s : order.path("shippingLines")) {
            Line charge = line(Kind.shipping, s, BigDecimal.ONE, s.path("price"), included, scale);
            // Free shipping adds nothing to what the customer pays: no charge line in the ERP.
            if (charge.listedAmount().signum() != 0 || charge.gross().signum() != 0) {
                shipping.add(charge);
            }
        }
        JsonNode total = order.at("/totals/total");
        return new OrderAmounts(currency, scale, included, List.copyOf(lines), List.copyOf(shipping),
                total.isMissingNode() || total.isNull() ? null : new BigDecimal(total.asText()));
    }

    private static Line line(Kind kind, JsonNode l, BigDecimal quantity, JsonNode price, boolean included, int scale) {
        BigDecimal tax = BigDecimal.ZERO;
        BigDecimal taxBeforeDiscounts = BigDecimal.ZERO;
        for (JsonNode t : l.path("taxes")) {
            BigDecimal amount = money(t.path("amount"));
            tax = tax.add(amount);
            JsonNode before = t.path("amountBeforeDiscounts");
            taxBeforeDiscounts = taxBeforeDiscounts.add(before.isTextual() && !before.asText().isBlank() ? money(before) : amount);
        }
        // A line's tax is charged to the cent; some shops' per-tax figures carry more places ("4.845").
        tax = tax.setScale(scale, RoundingMode.HALF_UP);
        taxBeforeDiscounts = taxBeforeDiscounts.setScale(scale, RoundingMode.HALF_UP);
        BigDecimal listed;
        BigDecimal discount;
        BigDecimal net;
        BigDecimal gross;
        if (l.hasNonNull("netTotal")) {
            net = money(l.path("netTotal"));
            gross = net.add(tax);
            BigDecimal netSubtotal = l.hasNonNull("netSubtotal") ? money(l.path("netSubtotal")) : net;
            listed = included ? netSubtotal.add(taxBeforeDiscounts) : netSubtotal;
            discount = listed.subtract(included ? gross : net);
        } else {
            listed = money(price).multiply(quantity);
            discount = BigDecimal.ZERO;
            for (JsonNode d : l.path("discounts")) {
                discount = discount.add(money(d.path("amount")));
            }
            BigDecimal after = listed.subtract(discount);
            gross = included ? after : after.add(tax);
            net = included ? after.subtract(tax) : after;
        }
        List<String> titles = new ArrayList<>();
        for (JsonNode d : l.path("discounts")) {
            if (d.hasNonNull("title") && !titles.contains(d.path("title").asText())) {
                titles.add(d.path("title").asText());
            }
        }
        List<BigDecimal> rates = new ArrayList<>();
        for (JsonNode t : l.path("taxes")) {
            BigDecimal rate = rate(t, money(t.path("amount")), net, l.path("taxes").size());
            if (rate != null && rate.signum() != 0) {
                rates.add(rate);
            }
        }
        BigDecimal unit = quantity.signum() == 0 ? listed : divide(listed, quantity, scale);
        String name = l.hasNonNull("name") ? l.path("name").asText() : l.path("title").asText();
        String id = l.hasNonNull("lineId") ? l.path("lineId").asText() : null;
        String sku = l.hasNonNull("sku") ? l.path("sku").asText() : null;
        return new Line(kind, id, sku, name, quantity, unit, scaled(listed, scale), scaled(discount, scale),
                titles.isEmpty() ? null : String.join(", ", titles), scaled(net, scale), scaled(tax, scale),
                scaled(gross, scale), List.copyOf(rates));
    }

    private static BigDecimal rate(JsonNode tax, BigDecimal amount, BigDecimal net, int taxesOnLine) {
        if (tax.hasNonNull("rate") && !tax.path("rate").asText().isBlank()) {
            return new BigDecimal(tax.path("rate").asText()).stripTrailingZeros();
        }
        if (tax.hasNonNull("ratePercent") && !tax.path("ratePercent").asText().isBlank()) {
            return new BigDecimal(tax.path("ratePercent").asText()).movePointLeft(2).stripTrailingZeros();
        }
        if (taxesOnLine == 1 && net.signum() != 0) {
            return amount.divide(net, 4, RoundingMode.HALF_EVEN).stripTrailingZeros();
        }
        return null;
    }

    /** a / b exactly when it fits in the currency's places, else half-even to 4 places. */
    static BigDecimal divide(BigDecimal a, BigDecimal b, int scale) {
        try {
            BigDecimal exact = a.divide(b);
            return exact.scale() <= Math.max(scale, 2) ? exact.setScale(scale, RoundingMode.UNNECESSARY) : a.divide(b, 4, RoundingMode.HALF_EVEN);
        } catch (ArithmeticException nonTerminating) {
            return a.divide(b, 4, RoundingMode.HALF_EVEN);
        }
    }

    private static BigDecimal scaled(BigDecimal value, int scale) {
        return value.scale() < scale ? value.setScale(scale) : value;
    }

    private static BigDecimal money(JsonNode value) {
        String text = value.asText();
        return text.isBlank() ? BigDecimal.ZERO : new BigDecimal(text);
    }

    /** What the customer pays for the lines and shipping, as orderflow computes it. */
    public BigDecimal grossTotal() {
        BigDecimal sum = BigDecimal.ZERO;
        for (Line l : lines) {
            sum = sum.add(l.gross());
        }
        for (Line s : shipping) {
            sum = sum.add(s.gross());
        }
        return sum;
    }

    /** Every line, products first, then shipping. */
    public List<Line> all() {
        List<Line> all = new ArrayList<>(lines);
        all.addAll(shipping);
        return all;
    }

    public static String plain(BigDecimal amount) {
        return amount.toPlainString();
    }

    /** The amounts as decimal strings, for the ERP request mappings (input field "amounts"). */
    public ObjectNode toJson(ObjectMapper mapper) {
        ObjectNode json = mapper.createObjectNode().put("currency", currency).put("taxesIncluded", taxesIncluded)
                .put("grossTotal", plain(grossTotal()))
                .put("productDiscount", plain(lines.stream().map(Line::discount).reduce(BigDecimal.ZERO.setScale(scale), BigDecimal::add)));
        ArrayNode products = json.putArray("lines");
        lines.forEach(l -> products.add(lineJson(mapper, l)));
        ArrayNode charges = json.putArray("shipping");
        shipping.forEach(s -> charges.add(lineJson(mapper, s)));
        return json;
    }

    private static ObjectNode lineJson(ObjectMapper mapper, Line l) {
        ObjectNode json = mapper.createObjectNode();
        json.put("kind", l.kind().name());
        if (l.lineId() != null) {
            json.put("lineId", l.lineId());
        }
        if (l.sku() != null) {
            json.put("sku", l.sku());
        }
        json.put("name", l.name()).put("quantity", l.quantity())
                .put("unitPrice", plain(l.listedUnitPrice())).put("amount", plain(l.listedAmount()))
                .put("discount", plain(l.discount())).put("net", plain(l.net())).put("tax", plain(l.tax()))
                .put("gross", plain(l.gross()));
        json.put("discountTitle", l.discountTitle());
        ArrayNode rates = json.putArray("taxRates");
        l.rates().forEach(r -> rates.add(plain(r)));
        ArrayNode percents = json.putArray("taxPercents");
        l.rates().forEach(r -> percents.add(plain(r.movePointRight(2).stripTrailingZeros())));
        return json;
    }
}

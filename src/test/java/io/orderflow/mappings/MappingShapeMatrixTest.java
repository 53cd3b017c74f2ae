package io.orderflow.mappings;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderflow.erp.OrderAmounts;
import io.orderflow.erp.TrytonSaleLines;
import io.orderflow.support.MappingRunner;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every mapping over a family of edge-shaped orders, for both shop platforms: one line, 50 lines, a zero-price line,
 * no shipping address (digital goods), unicode names, an id above 2^53, several shipping lines with discounts, prices
 * with and without tax, two tax rates, untaxed lines, no phone. Each shop payload is built consistent (its total is
 * what the lines, discounts, taxes and shipping add up to), mapped to the canonical order (schema-valid, one
 * canonical line per shop line, the amounts add up to the shop's total) and then through every ERP request mapping,
 * whose output must have the shape the ERP's API requires: list fields are lists (also for one element and for
 * none), numbers are numbers, ids are integers, required fields present, one ERP line per line, discount and
 * shipping charge, and where the mapping alone fixes the ERP's total (Odoo and ERPNext with prices including tax;
 * Tryton in every case, computed the way Tryton rounds), that total is the customer's to the cent.
 */
class MappingShapeMatrixTest {

    static final Path MAPPINGS = Path.of("mappings");
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    record L(String sku, String name, int quantity, String unitPrice, String rate, String discount) {
    }

    record Ship(String title, String price, String rate, String discount) {
    }

    record Case(String name, boolean taxesIncluded, List<L> lines, List<Ship> shipping, boolean shippingAddress,
            boolean phone, String customer, long id) {
    }

    static List<Case> cases() {
        List<L> fifty = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            fifty.add(new L("SKU-" + i, "Item " + i, 1 + i % 3, (i % 7) + ".95", "0.19", i % 5 == 0 ? "1.00" : "0.00"));
        }
        return List.of(
                new Case("one line", false, List.of(new L("SKU-1", "Widget", 1, "10.00", "0.19", "0.00")),
                        List.of(), true, true, "Bob Norman", 1001),
                new Case("one line, tax included", true, List.of(new L("SKU-1", "Widget", 1, "25.00", "0.19", "0.00")),
                        List.of(), true, true, "Bob Norman", 1002),
                new Case("one line with discount and shipping, tax included", true,
                        List.of(new L("SKU-1", "Widget", 2, "25.00", "0.19", "5.00")),
                        List.of(new Ship("DHL Paket", "4.90", "0.19", "0.00")), true, true, "Bob Norman", 1003),
                new Case("50 lines", false, fifty, List.of(new Ship("Freight", "49.00", "0.19", "0.00")), true, true,
                        "Bob Norman", 1004),
                new Case("zero-price line", true, List.of(new L("SKU-1", "Widget", 1, "10.00", "0.19", "0.00"),
                        new L("GIFT", "Free gift", 1, "0.00", null, "0.00")), List.of(), true, true, "Bob Norman", 1005),
                new Case("digital goods: no shipping address, no shipping, no phone", false,
                        List.of(new L("EBOOK-1", "E-book", 1, "9.99", "0.07", "0.00")), List.of(), false, false,
                        "Bob Norman", 1006),
                new Case("unicode names", true, List.of(new L("SKU-ü", "Café ☕ – Größe XL 山田", 3, "4.99", "0.19", "0.00")),
                        List.of(new Ship("Versand über Nacht", "9.90", "0.19", "0.00")), true, true,
                        "Zoë Šťastná-山田", 1007),
                new Case("id above 2^53", false, List.of(new L("SKU-1", "Widget", 1, "10.00", "0.19", "0.00")),
                        List.of(), true, true, "Bob Norman", 9_007_199_254_740_993L),
                new Case("several shipping lines and discounts, two tax rates, tax included", true,
                        List.of(new L("SKU-1", "Widget", 3, "19.99", "0.19", "6.00"),
                                new L("BOOK-1", "Book", 1, "12.00", "0.07", "1.20"),
                                new L("SKU-2", "Gadget", 1, "25.50", "0.19", "0.00")),
                        List.of(new Ship("DHL Paket", "4.90", "0.19", "1.00"), new Ship("Sperrgut", "12.00", "0.19", "0.00")),
                        true, true, "Bob Norman", 1008),
                new Case("large quantities, tax included", true,
                        List.of(new L("SKU-1", "Widget", 1000, "0.99", "0.19", "0.00"),
                                new L("SKU-2", "Gadget", 3, "10.00", "0.19", "0.00")),
                        List.of(), true, true, "Bob Norman", 1010),
                new Case("a total no net price reaches (3 x 9.99 incl. 19 %)", true,
                        List.of(new L("SKU-1", "Widget", 3, "9.99", "0.19", "0.00")), List.of(), true, true,
                        "Bob Norman", 1012),
                new Case("taxed goods, untaxed shipping (as in many US states)", false,
                        List.of(new L("SKU-1", "Widget", 2, "14.95", "0.08", "1.50")),
                        List.of(new Ship("UPS Ground", "7.50", null, "0.00")), true, true, "Bob Norman", 1011),
                new Case("several shipping lines and discounts, untaxed", false,
                        List.of(new L("SKU-1", "Widget", 2, "10.00", null, "2.00"),
                                new L("SKU-2", "Gadget", 1, "25.50", null, "0.50")),
                        List.of(new Ship("Standard", "5.00", null, "0.00"), new Ship("Insurance", "2.50", null, "0.00")),
                        true, true, "Bob Norman", 1009));
    }

    @TestFactory
    Stream<DynamicTest> everyMappingKeepsTheTargetShapeForEdgeShapedOrders() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : cases()) {
            for (String platform : List.of("shopify", "woocommerce")) {
                tests.add(DynamicTest.dynamicTest(platform + ": " + c.name(), () -> run(platform, c)));
            }
        }
        return tests.stream();
    }

    private void run(String platform, Case c) throws Exception {
        // WooCommerce has no shipping discounts; its cases carry none.
        Case effective = platform.equals("woocommerce") ? new Case(c.name(), c.taxesIncluded(), c.lines(),
                c.shipping().stream().map(s -> new Ship(s.title(), s.price(), s.rate(), "0.00")).toList(),
                c.shippingAddress(), c.phone(), c.customer(), c.id()) : c;
        Built shop = platform.equals("shopify") ? shopify(effective) : woocommerce(effective);
        ObjectNode envelope = JSON.createObjectNode().put("channel", "edge-shop").put("topic",
                platform.equals("shopify") ? "orders/paid" : "order.created").put("receivedAt", "2026-11-29T10:00:00Z");
        envelope.set("payload", shop.payload());
        JsonNode order = map(platform + "-order-to-canonical.jsonata", envelope);

        MappingRunner.validate(MAPPINGS.resolve("canonical-order.schema.json"), order.toString());
        assertThat(order.path("lines").isArray()).as("canonical lines").isTrue();
        assertThat(order.path("lines")).hasSize(effective.lines().size());
        assertThat(order.path("shippingLines").isArray()).isTrue();
        assertThat(order.path("shippingLines")).hasSize(effective.shipping().size());
        assertThat(order.path("externalId").asText()).isEqualTo(String.valueOf(effective.id()));
        for (JsonNode line : order.path("lines")) {
            shape(line, "taxes", "list");
        }
        OrderAmounts amounts = OrderAmounts.of(order);
        assertThat(amounts.grossTotal()).as("what the lines add up to = the shop's total").isEqualByComparingTo(shop.total());

        odoo(order, amounts, effective, shop.total());
        erpnext(order, amounts, effective, shop.total());
        tryton(order, amounts, effective, shop.total());
    }

    // ---------------------------------------------------------------------------------------------- ERP mappings

    private void odoo(JsonNode order, OrderAmounts amounts, Case c, BigDecimal total) throws Exception {
        ObjectNode input = JSON.createObjectNode();
        input.set("order", order);
        input.put("partnerId", 7);
        ObjectNode products = input.putObject("products");
        long id = 100;
        for (L l : c.lines()) {
            products.putObject(l.sku()).put("id", id++);
        }
        input.set("amounts", amounts.toJson(JSON));
        ObjectNode taxes = input.putObject("taxes");
        amounts.all().forEach(l -> l.rates().forEach(r -> taxes.put(percent(r), 10 + taxes.size())));
        input.put("shippingProductId", 90).put("discountProductId", 91);
        JsonNode sale = map("odoo-sale-order.jsonata", input);
        shape(sale, "partner_id", "int");
        shape(sale, "client_order_ref", "string");
        shape(sale, "order_line", "list");
        shape(sale, "order_line[]", "object");
        shape(sale, "order_line[].product_id", "int");
        shape(sale, "order_line[].product_uom_qty", "number");
        shape(sale, "order_line[].price_unit", "number");
        shape(sale, "order_line[].name", "string");
        shape(sale, "order_line[].tax_id", "list");
        shape(sale, "order_line[].tax_id[]", "int");
        assertThat(sale.path("order_line")).as("Odoo lines: products, discounts, shipping").hasSize(erpLines(amounts));
        if (amounts.taxesIncluded()) {
            // Price-included taxes: Odoo's total is the sum of quantity x price.
            BigDecimal sum = BigDecimal.ZERO;
            for (JsonNode line : sale.path("order_line")) {
                sum = sum.add(line.path("price_unit").decimalValue().multiply(line.path("product_uom_qty").decimalValue()));
            }
            assertThat(sum).as("Odoo total").isEqualByComparingTo(total);
        }

        ObjectNode partnerInput = JSON.createObjectNode();
        partnerInput.set("order", order);
        partnerInput.putObject("countries").put("US", 233).put("DE", 57);
        partnerInput.putObject("states").put("US-KY", 27);
        JsonNode partner = map("odoo-partner.jsonata", partnerInput);
        shape(partner, "name", "string");
        shape(partner, "email", "string");
        shape(partner, "child_ids", "list");
        shape(partner, "child_ids[]", "object");
        shape(partner, "country_id", "int|null");
    }

    private void erpnext(JsonNode order, OrderAmounts amounts, Case c, BigDecimal total) throws Exception {
        ObjectNode input = JSON.createObjectNode().put("customer", c.customer()).put("company", "Edge Ltd")
                .put("warehouse", "Stores - E");
        input.set("order", order);
        input.set("amounts", amounts.toJson(JSON));
        ObjectNode accounts = input.putObject("taxAccounts");
        amounts.all().forEach(l -> l.rates().forEach(r -> accounts.put(percent(r), "VAT " + percent(r) + "% - E")));
        input.put("shippingAccount", "Freight - E");
        JsonNode so = map("erpnext-sales-order.jsonata", input);
        shape(so, "customer", "string");
        shape(so, "po_no", "string");
        shape(so, "items", "list");
        shape(so, "items[].item_code", "string");
        shape(so, "items[].qty", "number");
        shape(so, "items[].rate", "number");
        shape(so, "taxes", "list");
        shape(so, "taxes[].charge_type", "string");
        shape(so, "taxes[].account_head", "string");
        shape(so, "discount_amount", "number");
        assertThat(so.path("items")).hasSize(c.lines().size());
        long percents = amounts.lines().stream().flatMap(l -> l.rates().stream()).map(MappingShapeMatrixTest::percent)
                .distinct().count();
        assertThat(so.path("taxes").findValuesAsText("charge_type").stream().filter("On Net Total"::equals).count())
                .as("one tax row per rate").isEqualTo(percents);
        if (amounts.taxesIncluded()) {
            // Rates include tax: grand total = items - discount + the "Actual" rows.
            BigDecimal sum = so.path("discount_amount").decimalValue().negate();
            for (JsonNode item : so.path("items")) {
                sum = sum.add(item.path("rate").decimalValue().multiply(item.path("qty").decimalValue()));
            }
            for (JsonNode tax : so.path("taxes")) {
                if (tax.path("charge_type").asText().equals("Actual")) {
                    sum = sum.add(tax.path("tax_amount").decimalValue());
                }
            }
            assertThat(sum).as("ERPNext grand total").isEqualByComparingTo(total);
        }
        JsonNode customer = map("erpnext-customer.jsonata", order);
        shape(customer, "customer_name", "string");
        shape(customer, "email_id", "string");
        ObjectNode addressInput = JSON.createObjectNode().put("customer", c.customer());
        addressInput.set("order", order);
        JsonNode addresses = map("erpnext-addresses.jsonata", addressInput);
        assertThat(addresses.isArray()).as("ERPNext addresses is a list").isTrue();
        shape(addresses, "[].links", "list");
        shape(addresses, "[].address_line1", "string");
    }

    private void tryton(JsonNode order, OrderAmounts amounts, Case c, BigDecimal total) throws Exception {
        // The sale lines as TrytonClient builds them (TrytonSaleLines), with made-up product, unit and tax ids.
        List<TrytonSaleLines.SaleLine> computed = TrytonSaleLines.of(amounts);
        ArrayNode saleLines = JSON.createArrayNode();
        for (TrytonSaleLines.SaleLine l : computed) {
            ObjectNode line = saleLines.addObject().put("kind", l.kind().name()).put("product", 1).put("unit", 1)
                    .put("quantity", l.quantity()).put("description", l.description())
                    .put("unitPrice", l.unitPrice().toPlainString());
            ArrayNode taxes = line.putArray("taxes");
            if (l.rate().signum() != 0) {
                taxes.add(1);
            }
        }
        ObjectNode input = JSON.createObjectNode().put("party", 3).put("address", 2);
        input.set("order", order);
        input.set("saleLines", saleLines);
        JsonNode sale = map("tryton-sale.jsonata", input);
        shape(sale, "party", "int");
        shape(sale, "reference", "string");
        shape(sale, "lines", "list");
        shape(sale, "lines[].product", "int");
        shape(sale, "lines[].quantity", "number");
        shape(sale, "lines[].unit", "int");
        shape(sale, "lines[].unit_price.decimal", "string");
        shape(sale, "lines[].taxes", "list");
        assertThat(sale.path("lines")).hasSize(computed.size());
        assertThat(computed.size()).isGreaterThanOrEqualTo(erpLines(amounts));

        // Tryton's total: lines rounded to the currency, tax per rate on the unrounded line amounts, rounded per
        // document (its default). With prices including tax this must be exactly the customer's total; without,
        // Tryton's own tax rounding may differ from the shop's by the total check's tolerance.
        BigDecimal untaxed = BigDecimal.ZERO;
        // Tax groups: per rate and sign of the line (Tryton keeps negative lines, discounts, in a group of their own).
        Map<String, BigDecimal> taxBase = new LinkedHashMap<>();
        for (int i = 0; i < sale.path("lines").size(); i++) {
            JsonNode line = sale.path("lines").get(i);
            BigDecimal amount = new BigDecimal(line.at("/unit_price/decimal").asText()).multiply(line.path("quantity").decimalValue());
            untaxed = untaxed.add(amount.setScale(amounts.scale(), RoundingMode.HALF_EVEN));
            taxBase.merge(computed.get(i).rate().toPlainString() + (amount.signum() < 0 ? "-" : "+"), amount, BigDecimal::add);
        }
        BigDecimal erpTotal = untaxed;
        for (Map.Entry<String, BigDecimal> e : taxBase.entrySet()) {
            BigDecimal rate = new BigDecimal(e.getKey().substring(0, e.getKey().length() - 1));
            erpTotal = erpTotal.add(e.getValue().multiply(rate).setScale(amounts.scale(), RoundingMode.HALF_EVEN));
        }
        assertThat(erpTotal).as("Tryton total").isEqualByComparingTo(total);

        JsonNode party = map("tryton-party.jsonata", order);
        shape(party, "name", "string");
        shape(party, "contact_mechanisms", "list");
        shape(party, "contact_mechanisms[].value", "string");
        shape(party, "addresses", "list");
    }

    private static int erpLines(OrderAmounts amounts) {
        return (int) (amounts.all().size() + amounts.all().stream().filter(l -> l.discount().signum() != 0).count());
    }

    // ---------------------------------------------------------------------------------------------- shop payloads

    record Built(JsonNode payload, BigDecimal total) {
    }

    private static Built shopify(Case c) throws Exception {
        ObjectNode o = (ObjectNode) JSON.readTree(Files.readString(Path.of("src/test/resources/fixtures/shopify-orders-create.json")));
        o.put("id", c.id()).put("order_number", c.id() % 100_000).put("name", "#" + c.id() % 100_000)
                .put("currency", "EUR").put("taxes_included", c.taxesIncluded()).put("financial_status", "paid");
        customer(o, c);
        ArrayNode apps = o.putArray("discount_applications");
        apps.addObject().put("type", "discount_code").put("code", "EDGE").put("allocation_method", "across")
                .put("target_selection", "all").put("target_type", "line_item");
        ArrayNode items = o.putArray("line_items");
        BigDecimal total = BigDecimal.ZERO;
        BigDecimal tax = BigDecimal.ZERO;
        long lineId = 1;
        for (L l : c.lines()) {
            ObjectNode item = items.addObject().put("id", 866_550_311_766_439_000L + lineId++).put("sku", l.sku())
                    .put("name", l.name()).put("title", l.name()).put("quantity", l.quantity()).put("price", l.unitPrice());
            Amount a = amount(c.taxesIncluded(), new BigDecimal(l.unitPrice()).multiply(BigDecimal.valueOf(l.quantity())),
                    l.discount(), l.rate());
            allocations(item, l.discount());
            taxLines(item, a.tax(), l.rate());
            total = total.add(a.gross());
            tax = tax.add(a.tax());
        }
        ArrayNode shipping = o.putArray("shipping_lines");
        for (Ship s : c.shipping()) {
            ObjectNode line = shipping.addObject().put("id", lineId++).put("title", s.title()).put("code", s.title())
                    .put("price", s.price());
            Amount a = amount(c.taxesIncluded(), new BigDecimal(s.price()), s.discount(), s.rate());
            allocations(line, s.discount());
            taxLines(line, a.tax(), s.rate());
            total = total.add(a.gross());
            tax = tax.add(a.tax());
        }
        o.remove("total_shipping_price_set");
        o.put("total_price", total.toPlainString()).put("total_tax", tax.toPlainString());
        return new Built(o, total);
    }

    private static Built woocommerce(Case c) throws Exception {
        ObjectNode o = (ObjectNode) JSON.readTree(Files.readString(Path.of("src/test/resources/fixtures/woocommerce-order-created.json")));
        o.put("id", c.id()).put("number", String.valueOf(c.id())).put("currency", "EUR")
                .put("prices_include_tax", c.taxesIncluded()).put("status", "processing");
        ObjectNode billing = (ObjectNode) o.path("billing");
        String[] names = c.customer().split(" ", 2);
        billing.put("first_name", names[0]).put("last_name", names.length > 1 ? names[1] : "");
        if (!c.phone()) {
            billing.put("phone", "");
        }
        if (!c.shippingAddress()) {
            ObjectNode shippingAddress = (ObjectNode) o.path("shipping");
            shippingAddress.fieldNames().forEachRemaining(f -> { });
            for (String f : List.of("first_name", "last_name", "company", "address_1", "address_2", "city", "state", "postcode", "country")) {
                shippingAddress.put(f, "");
            }
        }
        Map<String, Integer> rateIds = new LinkedHashMap<>();
        ArrayNode items = o.putArray("line_items");
        BigDecimal total = BigDecimal.ZERO;
        long lineId = 1;
        for (L l : c.lines()) {
            BigDecimal listed = new BigDecimal(l.unitPrice()).multiply(BigDecimal.valueOf(l.quantity()));
            Amount before = amount(c.taxesIncluded(), listed, "0.00", l.rate());
            Amount after = amount(c.taxesIncluded(), listed, l.discount(), l.rate());
            ObjectNode item = items.addObject().put("id", lineId++).put("name", l.name()).put("sku", l.sku())
                    .put("quantity", l.quantity()).put("subtotal", before.net().toPlainString())
                    .put("subtotal_tax", before.tax().toPlainString()).put("total", after.net().toPlainString())
                    .put("total_tax", after.tax().toPlainString())
                    .put("price", after.net().divide(BigDecimal.valueOf(l.quantity()), 6, RoundingMode.HALF_EVEN).doubleValue());
            ArrayNode taxes = item.putArray("taxes");
            if (l.rate() != null) {
                int rateId = rateIds.computeIfAbsent(l.rate(), r -> rateIds.size() + 1);
                taxes.addObject().put("id", rateId).put("total", after.tax().toPlainString()).put("subtotal", before.tax().toPlainString());
            }
            total = total.add(after.gross());
        }
        ArrayNode shipping = o.putArray("shipping_lines");
        for (Ship s : c.shipping()) {
            Amount a = amount(c.taxesIncluded(), new BigDecimal(s.price()), "0.00", s.rate());
            ObjectNode line = shipping.addObject().put("id", lineId++).put("method_title", s.title()).put("method_id", "flat_rate")
                    .put("total", a.net().toPlainString()).put("total_tax", a.tax().toPlainString());
            ArrayNode taxes = line.putArray("taxes");
            if (s.rate() != null) {
                int rateId = rateIds.computeIfAbsent(s.rate(), r -> rateIds.size() + 1);
                taxes.addObject().put("id", rateId).put("total", a.tax().toPlainString()).put("subtotal", "");
            }
            total = total.add(a.gross());
        }
        ArrayNode taxLines = o.putArray("tax_lines");
        rateIds.forEach((rate, rateId) -> taxLines.addObject().put("id", 500 + rateId).put("rate_id", rateId)
                .put("label", "VAT").put("rate_percent", new BigDecimal(rate).movePointRight(2)));
        o.put("total", total.toPlainString());
        return new Built(o, total);
    }

    private static void customer(ObjectNode o, Case c) {
        String[] names = c.customer().split(" ", 2);
        ((ObjectNode) o.path("customer")).put("first_name", names[0]).put("last_name", names.length > 1 ? names[1] : "");
        ((ObjectNode) o.path("billing_address")).put("name", c.customer());
        if (!c.phone()) {
            o.putNull("phone");
            ((ObjectNode) o.path("customer")).putNull("phone");
            ((ObjectNode) o.path("billing_address")).putNull("phone");
        }
        if (!c.shippingAddress()) {
            o.remove("shipping_address");
        }
    }

    private static void allocations(ObjectNode line, String discount) {
        ArrayNode allocations = line.putArray("discount_allocations");
        if (new BigDecimal(discount).signum() != 0) {
            allocations.addObject().put("amount", discount).put("discount_application_index", 0);
        }
    }

    private static void taxLines(ObjectNode line, BigDecimal tax, String rate) {
        ArrayNode taxLines = line.putArray("tax_lines");
        if (rate != null) {
            taxLines.addObject().put("price", tax.toPlainString()).put("rate", new BigDecimal(rate)).put("title", "VAT");
        }
    }

    record Amount(BigDecimal net, BigDecimal tax, BigDecimal gross) {
    }

    /** The shop's own arithmetic for a line: tax after discounts, rounded half-up to cents. */
    private static Amount amount(boolean included, BigDecimal listed, String discount, String rate) {
        BigDecimal after = listed.subtract(new BigDecimal(discount));
        BigDecimal r = rate == null ? BigDecimal.ZERO : new BigDecimal(rate);
        if (included) {
            BigDecimal net = after.divide(BigDecimal.ONE.add(r), 2, RoundingMode.HALF_UP);
            return new Amount(net, after.subtract(net), after.setScale(2));
        }
        BigDecimal tax = after.multiply(r).setScale(2, RoundingMode.HALF_UP);
        return new Amount(after.setScale(2), tax, after.add(tax).setScale(2));
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private static JsonNode map(String mapping, JsonNode input) throws Exception {
        return JSON.readTree(MappingRunner.map(MAPPINGS.resolve(mapping), input.toString()));
    }

    private static String percent(BigDecimal rate) {
        return rate.movePointRight(2).stripTrailingZeros().toPlainString();
    }

    /**
     * Asserts the type of every node at {@code path}: segments separated by '.', "name[]" (or "[]" at the root) is
     * every element of the list at name, which must be a list. Types: string, int, number, list, object, and
     * "X|null". A missing field fails unless null is allowed.
     */
    static void shape(JsonNode root, String path, String type) {
        List<JsonNode> nodes = List.of(root);
        for (String segment : path.split("\\.")) {
            List<JsonNode> next = new ArrayList<>();
            boolean each = segment.endsWith("[]");
            String field = each ? segment.substring(0, segment.length() - 2) : segment;
            for (JsonNode node : nodes) {
                JsonNode value = field.isEmpty() ? node : node.path(field);
                if (each) {
                    assertThat(value.isArray()).as(path + ": " + field + " must be a list, is " + value).isTrue();
                    value.forEach(next::add);
                } else {
                    next.add(value);
                }
            }
            nodes = next;
        }
        for (JsonNode node : nodes) {
            boolean ok = false;
            for (String t : type.split("\\|")) {
                ok |= switch (t) {
                    case "string" -> node.isTextual();
                    case "int" -> node.isIntegralNumber() || (node.isNumber() && node.decimalValue().stripTrailingZeros().scale() <= 0);
                    case "number" -> node.isNumber();
                    case "list" -> node.isArray();
                    case "object" -> node.isObject();
                    case "null" -> node.isNull() || node.isMissingNode();
                    default -> throw new IllegalArgumentException(t);
                };
            }
            assertThat(ok).as(path + " must be " + type + ", is " + (node.isMissingNode() ? "missing" : node.toString())).isTrue();
        }
    }
}

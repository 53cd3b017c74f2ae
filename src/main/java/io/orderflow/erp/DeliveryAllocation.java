package io.orderflow.erp;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Spreads a package's quantities over the open lines of an ERP delivery (Odoo moves, ERPNext Delivery Note items,
 * Tryton moves), in the ERP's order: each SKU's quantity fills the lines of that SKU up to what is open on them.
 * Every line gets an entry (0 when the package ships none of it). A SKU not on the delivery, or more than is open,
 * is a refusal naming it (review: the request is parked, nothing is written).
 */
final class DeliveryAllocation {

    /** One open line of the delivery: the ERP's id, its SKU and the quantity still to deliver on it. */
    record Slot(String id, String sku, BigDecimal open) {
    }

    private DeliveryAllocation() {
    }

    static Map<String, BigDecimal> allocate(List<Slot> slots, ErpClient.Delivery delivery, String where) {
        Map<String, BigDecimal> quantities = new LinkedHashMap<>();
        slots.forEach(slot -> quantities.put(slot.id(), BigDecimal.ZERO));
        Map<String, BigDecimal> wanted = new LinkedHashMap<>();
        delivery.lines().forEach(line -> wanted.merge(line.sku(), line.quantity(), BigDecimal::add));
        wanted.forEach((sku, quantity) -> {
            BigDecimal left = quantity;
            BigDecimal open = BigDecimal.ZERO;
            boolean found = false;
            for (Slot slot : slots) {
                if (!sku.equals(slot.sku())) {
                    continue;
                }
                found = true;
                open = open.add(slot.open());
                BigDecimal now = left.min(slot.open().max(BigDecimal.ZERO));
                if (now.signum() > 0) {
                    quantities.merge(slot.id(), now, BigDecimal::add);
                    left = left.subtract(now);
                }
            }
            if (!found) {
                throw new ErpRejectedException("package " + delivery.packageId() + ": SKU " + sku + " is not on " + where
                        + " (nothing open of it)");
            }
            if (left.signum() > 0) {
                throw new ErpRejectedException("package " + delivery.packageId() + ": over-fulfilment of SKU " + sku
                        + ": the package ships " + quantity.stripTrailingZeros().toPlainString() + " but " + where
                        + " has only " + open.stripTrailingZeros().toPlainString() + " open");
            }
        });
        return quantities;
    }

    /** True when the package delivers less than is open on some line (the rest stays open: a partial delivery). */
    static boolean partial(List<Slot> slots, Map<String, BigDecimal> quantities) {
        for (Slot slot : slots) {
            if (quantities.getOrDefault(slot.id(), BigDecimal.ZERO).compareTo(slot.open()) < 0) {
                return true;
            }
        }
        return false;
    }
}

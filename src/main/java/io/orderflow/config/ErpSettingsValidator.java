package io.orderflow.config;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * Refuses to start when the chosen ERP (orderflow.erp.kind) lacks its URL or a credential it needs, naming every
 * missing property: failing at start-up beats an order parked on its first delivery with a login error. Only the
 * chosen kind's settings are checked (orderflow.erp.odoo.*, orderflow.erp.erpnext.*, orderflow.erp.tryton.*).
 */
@Component
public class ErpSettingsValidator implements InitializingBean {

    private static final Logger LOG = LoggerFactory.getLogger(ErpSettingsValidator.class);

    private final OrderflowProperties properties;

    public ErpSettingsValidator(OrderflowProperties properties) {
        this.properties = properties;
    }

    @Override
    public void afterPropertiesSet() {
        OrderflowProperties.Erp erp = properties.getErp();
        List<String> missing = missing(erp);
        if (!missing.isEmpty()) {
            throw new IllegalStateException("orderflow.erp.kind is " + erp.getKind() + " but "
                    + String.join(", ", missing) + (missing.size() == 1 ? " is" : " are")
                    + " missing (docs/erp.md, \"Choosing the ERP\")");
        }
        if (erp.isEnabled()) {
            LOG.info("ERP: {} at {}", erp.getKind(), erp.getUrl());
        } else {
            LOG.warn("No ERP is configured (orderflow.erp.kind=none): paid orders will wait on orderflow.release"
                    + " until one is (docs/erp.md, \"Choosing the ERP\")");
        }
    }

    /** The required properties of the chosen kind that are unset or blank, by their full names. */
    static List<String> missing(OrderflowProperties.Erp erp) {
        List<String> missing = new ArrayList<>();
        if (!erp.isEnabled()) {
            return missing;
        }
        require(missing, "orderflow.erp.url", erp.getUrl());
        switch (erp.getKind()) {
            case odoo -> {
                OrderflowProperties.Odoo odoo = erp.getOdoo();
                if (odoo.getApi() == OrderflowProperties.OdooApi.jsonrpc) {
                    // JSON-2 authenticates with the key alone (the database is optional there).
                    require(missing, "orderflow.erp.odoo.database", odoo.getDatabase());
                    require(missing, "orderflow.erp.odoo.username", odoo.getUsername());
                }
                require(missing, "orderflow.erp.odoo.api-key", odoo.getApiKey());
            }
            case erpnext -> {
                require(missing, "orderflow.erp.erpnext.api-key", erp.getErpnext().getApiKey());
                require(missing, "orderflow.erp.erpnext.api-secret", erp.getErpnext().getApiSecret());
            }
            case tryton -> {
                require(missing, "orderflow.erp.tryton.database", erp.getTryton().getDatabase());
                require(missing, "orderflow.erp.tryton.username", erp.getTryton().getUsername());
                require(missing, "orderflow.erp.tryton.password", erp.getTryton().getPassword());
            }
            case none -> { }
        }
        return missing;
    }

    private static void require(List<String> missing, String name, String value) {
        if (value == null || value.isBlank()) {
            missing.add(name);
        }
    }
}

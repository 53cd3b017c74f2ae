package io.orderflow.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderflow.OrderflowApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * Each ERP's credentials under its own kind, checked at start-up: the chosen kind's missing URL or credential stops
 * the start-up naming the property; another kind's settings are never required. And every orderflow.* value is
 * checked against its constraints (@Validated OrderflowProperties).
 */
class ErpSettingsValidatorTest {

    @Test
    void noErpNeedsNothing() {
        assertThat(ErpSettingsValidator.missing(new OrderflowProperties.Erp())).isEmpty();
    }

    @Test
    void odooJsonRpcNeedsDatabaseLoginAndKey() {
        OrderflowProperties.Erp erp = erp(OrderflowProperties.ErpKind.odoo);
        assertThat(ErpSettingsValidator.missing(erp)).containsExactly("orderflow.erp.odoo.database",
                "orderflow.erp.odoo.username", "orderflow.erp.odoo.api-key");
        erp.getOdoo().setDatabase("shop");
        erp.getOdoo().setUsername("bot@example.com");
        erp.getOdoo().setApiKey("key");
        assertThat(ErpSettingsValidator.missing(erp)).isEmpty();
    }

    @Test
    void odooJson2NeedsOnlyTheKey() {
        OrderflowProperties.Erp erp = erp(OrderflowProperties.ErpKind.odoo);
        erp.getOdoo().setApi(OrderflowProperties.OdooApi.json2);
        assertThat(ErpSettingsValidator.missing(erp)).containsExactly("orderflow.erp.odoo.api-key");
    }

    @Test
    void erpNextNeedsItsKeyPairNotAnotherKindsSettings() {
        OrderflowProperties.Erp erp = erp(OrderflowProperties.ErpKind.erpnext);
        erp.getOdoo().setApiKey("an Odoo key is no ERPNext key");
        erp.getErpnext().setApiKey(" ");
        assertThat(ErpSettingsValidator.missing(erp)).containsExactly("orderflow.erp.erpnext.api-key",
                "orderflow.erp.erpnext.api-secret");
    }

    @Test
    void trytonNeedsDatabaseUserAndPassword() {
        OrderflowProperties.Erp erp = erp(OrderflowProperties.ErpKind.tryton);
        erp.getTryton().setDatabase("orderflow");
        erp.getTryton().setUsername("admin");
        assertThat(ErpSettingsValidator.missing(erp)).containsExactly("orderflow.erp.tryton.password");
    }

    @Test
    void everyKindNeedsTheUrl() {
        OrderflowProperties.Erp erp = new OrderflowProperties.Erp();
        erp.setKind(OrderflowProperties.ErpKind.tryton);
        erp.getTryton().setDatabase("orderflow");
        erp.getTryton().setUsername("admin");
        erp.getTryton().setPassword("admin");
        assertThat(ErpSettingsValidator.missing(erp)).containsExactly("orderflow.erp.url");
    }

    @Test
    void startUpIsRefusedForAMissingCredentialOfTheChosenErp() {
        assertThatThrownBy(() -> start("orderflow.erp.kind=tryton", "orderflow.erp.url=http://127.0.0.1:1",
                "orderflow.erp.tryton.database=orderflow", "orderflow.erp.tryton.username=admin"))
                .hasStackTraceContaining("orderflow.erp.kind is tryton but orderflow.erp.tryton.password is missing");
    }

    @Test
    void startUpIsRefusedForTheOldSharedApiKey() {
        // orderflow.erp.api-key no longer exists: an ERPNext configured the old way is refused, not half-read.
        assertThatThrownBy(() -> start("orderflow.erp.kind=erpnext", "orderflow.erp.url=http://127.0.0.1:1",
                "orderflow.erp.api-key=k", "orderflow.erp.api-secret=s"))
                .hasStackTraceContaining("orderflow.erp.erpnext.api-key, orderflow.erp.erpnext.api-secret are missing");
    }

    @Test
    void startUpIsRefusedForAValueOutOfRange() {
        assertThatThrownBy(() -> start("orderflow.erp.max-requests-per-second=0", "orderflow.intake.max-body-bytes=-1"))
                .hasStackTraceContaining("orderflow.erp.maxRequestsPerSecond")
                .hasStackTraceContaining("orderflow.intake.maxBodyBytes");
    }

    private static OrderflowProperties.Erp erp(OrderflowProperties.ErpKind kind) {
        OrderflowProperties.Erp erp = new OrderflowProperties.Erp();
        erp.setKind(kind);
        erp.setUrl("http://erp.example.com");
        return erp;
    }

    private static void start(String... properties) {
        String[] args = new String[properties.length + 3];
        args[0] = "--server.port=0";
        args[1] = "--spring.artemis.embedded.server-id=18";
        args[2] = "--orderflow.data-dir=target/test-data/refused-erp";
        for (int i = 0; i < properties.length; i++) {
            args[i + 3] = "--" + properties[i];
        }
        new SpringApplicationBuilder(OrderflowApplication.class).run(args).close();
    }
}

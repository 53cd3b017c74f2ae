package io.orderflow.wms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.orderflow.config.OrderflowProperties;
import io.orderflow.wms.rest.RestWms;
import io.orderflow.wms.shipstation.ShipStationWms;
import org.junit.jupiter.api.Test;

/** The start-up checks of orderflow.wms.*: the chosen kind's settings, named when missing; the adapter per kind. */
class WmsSettingsTest {

    @Test
    void noWmsNeedsNothing() {
        OrderflowProperties properties = new OrderflowProperties();
        assertThat(properties.getWms().missingSettings()).isEmpty();
        assertThat(new WmsConfiguration().wmsSwitch(properties).enabled()).isFalse();
    }

    @Test
    void aChosenWmsWithoutItsSettingsStopsTheStartUpNamingEveryMissingOne() {
        OrderflowProperties properties = new OrderflowProperties();
        properties.getWms().setKind(OrderflowProperties.WmsKind.shipstation);
        assertThatThrownBy(() -> new WmsConfiguration().wmsAdapter(properties, new ObjectMapper()))
                .hasMessage("orderflow.wms.kind is shipstation but orderflow.wms.url, orderflow.wms.webhook-secrets, "
                        + "orderflow.wms.shipstation.api-key, orderflow.wms.shipstation.api-secret are missing "
                        + "(docs/fulfilment.md, \"Configuration\")");
        properties.getWms().setKind(OrderflowProperties.WmsKind.rest);
        properties.getWms().setUrl("ftp://wms.example.com");
        properties.getWms().setWebhookSecrets(List.of(" "));
        assertThat(properties.getWms().missingSettings()).containsExactly("orderflow.wms.url (an http(s) URL)",
                "orderflow.wms.webhook-secrets", "orderflow.wms.api-key");
    }

    @Test
    void eachKindGetsItsAdapterAndTheSecretsStayOutOfToString() {
        OrderflowProperties properties = new OrderflowProperties();
        OrderflowProperties.Wms wms = properties.getWms();
        wms.setKind(OrderflowProperties.WmsKind.rest);
        wms.setUrl("https://wms.example.com/api");
        wms.setApiKey("rest-token-secret");
        wms.setWebhookSecrets(List.of("hook-secret"));
        assertThat(new WmsConfiguration().wmsAdapter(properties, new ObjectMapper())).isInstanceOf(RestWms.class);
        wms.setKind(OrderflowProperties.WmsKind.shipstation);
        wms.getShipstation().setApiKey("ss-key-secret");
        wms.getShipstation().setApiSecret("ss-secret-secret");
        assertThat(new WmsConfiguration().wmsAdapter(properties, new ObjectMapper())).isInstanceOf(ShipStationWms.class);
        assertThat(wms.toString() + wms.getShipstation()).doesNotContain("secret-", "token-secret", "hook-secret");
    }

    @Test
    void theErpsOwnWarehouseNeedsAnErpAndTurnsTheWritebackToTheErpOff() {
        OrderflowProperties properties = new OrderflowProperties();
        properties.getWms().setKind(OrderflowProperties.WmsKind.erp);
        // No URL, credentials or webhook secrets of its own.
        assertThat(properties.getWms().missingSettings()).isEmpty();
        assertThatThrownBy(() -> new WmsConfiguration().wmsAdapter(properties, new ObjectMapper()))
                .hasMessageContaining("orderflow.wms.kind is erp (the ERP's own warehouse) but orderflow.erp.kind is none");
        assertThat(new io.orderflow.wms.erp.ErpWarehouseConfiguration().erpDeliveryPollSwitch(properties).enabled()).isFalse();

        properties.getErp().setKind(OrderflowProperties.ErpKind.odoo);
        assertThat(new WmsConfiguration().wmsAdapter(properties, new ObjectMapper()))
                .isInstanceOf(io.orderflow.wms.erp.ErpWarehouse.class);
        var poll = new io.orderflow.wms.erp.ErpWarehouseConfiguration().erpDeliveryPollSwitch(properties);
        assertThat(poll.enabled()).isTrue();
        assertThat(poll.periodMillis()).isEqualTo(120_000);
        assertThat(poll.delayMillis()).isEqualTo(30_000);
        // orderflow.writeback.erp stays true in the settings, but the ERP gets no write-back: it shipped itself.
        var writeback = new io.orderflow.writeback.WritebackConfiguration().writebackSwitch(properties);
        assertThat(writeback.erp()).isFalse();
        assertThat(writeback.shop()).isTrue();
        properties.getWms().setKind(OrderflowProperties.WmsKind.rest);
        assertThat(new io.orderflow.writeback.WritebackConfiguration().writebackSwitch(properties).erp()).isTrue();
    }

    @Test
    void onlyUrlsOnTheConfiguredShipStationHostAreFetched() {
        java.net.URI base = java.net.URI.create("https://ssapi.shipstation.com/");
        assertThat(ShipStationWms.onApiHost(base, "https://ssapi.shipstation.com/shipments?batchId=1")).isTrue();
        assertThat(ShipStationWms.onApiHost(base, "https://SSAPI.shipstation.com:443/shipments")).isTrue();
        assertThat(ShipStationWms.onApiHost(base, "http://ssapi.shipstation.com/shipments")).isFalse();
        assertThat(ShipStationWms.onApiHost(base, "https://ssapi.shipstation.com:8443/shipments")).isFalse();
        assertThat(ShipStationWms.onApiHost(base, "https://ssapi.shipstation.com.evil.example/shipments")).isFalse();
        assertThat(ShipStationWms.onApiHost(base, "https://user@ssapi.shipstation.com/shipments")).isFalse();
        assertThat(ShipStationWms.onApiHost(base, "https://evil.example/?x=https://ssapi.shipstation.com/")).isFalse();
        assertThat(ShipStationWms.onApiHost(base, "//ssapi.shipstation.com/shipments")).isFalse();
        assertThat(ShipStationWms.onApiHost(base, "not a url")).isFalse();
        assertThat(ShipStationWms.withShipmentItems(java.net.URI.create(
                "https://ssapi.shipstation.com/shipments?storeID=1&batchId=2&includeShipmentItems=False")).toString())
                .isEqualTo("https://ssapi.shipstation.com/shipments?storeID=1&batchId=2&includeShipmentItems=True");
        assertThat(ShipStationWms.withShipmentItems(java.net.URI.create("https://ssapi.shipstation.com/shipments?batchId=2"))
                .toString()).isEqualTo("https://ssapi.shipstation.com/shipments?batchId=2&includeShipmentItems=True");
    }
}

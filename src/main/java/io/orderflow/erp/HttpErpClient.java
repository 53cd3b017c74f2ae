package io.orderflow.erp;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.orderflow.config.OrderflowProperties;

/** What every ERP client shares: its settings, the rate-limited HTTP, JSON and the request mappings. */
abstract class HttpErpClient implements ErpClient {

    protected final OrderflowProperties.Erp settings;
    protected final ErpHttp http;
    protected final ObjectMapper mapper;
    protected final ErpMappings mappings;

    HttpErpClient(OrderflowProperties.Erp settings, ErpHttp http, ObjectMapper mapper, ErpMappings mappings) {
        this.settings = settings;
        this.http = http;
        this.mapper = mapper;
        this.mappings = mappings;
    }

    /** The ERP's base URL without a trailing slash. */
    protected String base() {
        String url = settings.getUrl();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}

package io.orderflow.reliability;

import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

/**
 * A WireMock response transformer that makes the ERPNext sales-order endpoints remember what was created, as the
 * real ERP does: a sales order posted with {@code po_no} X is found by the next lookup filtered on X, and a submit
 * (PUT docstatus 1) sticks. Without it a lookup-before-create could never find an order created before a crash, and
 * the suite could not tell a connector that looks up first from one that does not. The grand total answered is the
 * one the test says each channel's orders total (ERPNext would compute it from the items and taxes).
 */
public final class ErpNextState implements ResponseDefinitionTransformerV2 {

    public static final String NAME = "erpnext-sales-order-state";
    private static final ObjectMapper JSON = new ObjectMapper();

    record SalesOrder(String name, String poNo, int docstatus) {
    }

    private final Map<String, SalesOrder> byPoNo = new ConcurrentHashMap<>();
    private final Map<String, BigDecimal> totalByChannelPrefix;

    public ErpNextState(Map<String, BigDecimal> totalByChannelPrefix) {
        this.totalByChannelPrefix = totalByChannelPrefix;
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        var request = event.getRequest();
        String url = request.getUrl();
        String method = request.getMethod().getName();
        try {
            if (method.equals("GET") && url.startsWith("/api/resource/Sales%20Order?")) {
                String filters = query(url, "filters");
                String poNo = null;
                for (JsonNode filter : JSON.readTree(filters)) {
                    if (filter.get(0).asText().equals("po_no")) {
                        poNo = filter.get(2).asText();
                    }
                }
                SalesOrder found = poNo == null ? null : byPoNo.get(poNo);
                return data(found == null ? "[]"
                        : "[{\"name\":\"" + found.name() + "\",\"docstatus\":" + found.docstatus() + "}]");
            }
            if (method.equals("POST") && url.equals("/api/resource/Sales%20Order")) {
                String poNo = JSON.readTree(request.getBodyAsString()).path("po_no").asText();
                SalesOrder created = new SalesOrder("SO-" + poNo, poNo, 0);
                byPoNo.put(poNo, created);
                return data("{\"name\":\"" + created.name() + "\",\"docstatus\":0}");
            }
            if (url.startsWith("/api/resource/Sales%20Order/SO-")) {
                String poNo = URLDecoder.decode(url.substring("/api/resource/Sales%20Order/SO-".length()), StandardCharsets.UTF_8);
                SalesOrder order = byPoNo.get(poNo);
                if (order == null) {
                    return ResponseDefinition.notFound();
                }
                if (method.equals("PUT")) {
                    byPoNo.put(poNo, new SalesOrder(order.name(), poNo, 1));
                    return data("{\"name\":\"" + order.name() + "\",\"docstatus\":1}");
                }
                BigDecimal total = totalByChannelPrefix.entrySet().stream().filter(e -> poNo.startsWith(e.getKey()))
                        .map(Map.Entry::getValue).findFirst().orElse(BigDecimal.ZERO);
                return data("{\"name\":\"" + order.name() + "\",\"docstatus\":" + order.docstatus() + ",\"grand_total\":"
                        + total.toPlainString() + "}");
            }
        } catch (Exception e) {
            return new ResponseDefinition(500, "{\"exc_type\":\"TestStubError\",\"exception\":\"" + e + "\"}");
        }
        return event.getResponseDefinition();
    }

    private static String query(String url, String name) {
        for (String pair : url.substring(url.indexOf('?') + 1).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return "[]";
    }

    private static ResponseDefinition data(String data) {
        return new com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"data\":" + data + "}").build();
    }
}

package io.orderflow.tryton;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The test's own JSON-RPC client for the real Tryton started by .ci/run (../shared/tryton/setup.sh): asks Tryton
 * itself what the connector did, and stops/starts the server for the outage test. Independent of TrytonClient.
 */
final class Tryton {

    static final String URL = System.getenv().getOrDefault("TRYTON_URL", "http://127.0.0.1:8000");
    static final String WORK = System.getenv().getOrDefault("TRYTON_WORK", "/tmp/orderflow-tryton");
    static final ObjectMapper JSON = new ObjectMapper();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    String authorization;
    JsonNode context;

    static boolean reachable() {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(URL + "/"))
                    .timeout(Duration.ofSeconds(2)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"method\":\"common.server.version\",\"params\":[],\"id\":0}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    JsonNode call(String method, String params) throws Exception {
        if (authorization == null) {
            JsonNode session = post("common.db.login", "[\"admin\",{\"password\":\"admin\"},\"en\"]", null);
            authorization = "Session " + Base64.getEncoder().encodeToString(("admin:" + session.get(0).asText() + ":"
                    + session.get(1).asText()).getBytes(StandardCharsets.UTF_8));
            context = post("model.res.user.get_preferences", "[true,{}]", authorization);
        }
        String ctx = "{\"company\":" + context.path("company").asText() + ",\"language\":\"en\"}";
        return post(method, params.replace("$CTX", ctx), authorization);
    }

    private JsonNode post(String method, String params, String auth) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(URL + "/orderflow/"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"method\":\"" + method + "\",\"params\":" + params + ",\"id\":1}"));
        if (auth != null) {
            request.header("Authorization", auth);
        }
        JsonNode answer = JSON.readTree(http.send(request.build(), HttpResponse.BodyHandlers.ofString()).body());
        if (answer.has("error") && !answer.get("error").isNull()) {
            throw new IllegalStateException(method + ": " + answer.get("error"));
        }
        return answer.get("result");
    }

    /** Reservable quantity of a product (storage location, stock_assign), as the connector reads it. */
    double reservable(String code) throws Exception {
        long sto = call("model.stock.location.search", "[[[\"code\",\"=\",\"STO\"]],0,1,null,$CTX]").get(0).asLong();
        JsonNode found = call("model.product.product.search_read", "[[[\"code\",\"=\",\"" + code + "\"]],0,1,null,"
                + "[\"quantity\"],$CTX]".replace("$CTX", "{\"company\":" + context.path("company").asText()
                + ",\"language\":\"en\",\"locations\":[" + sto + "],\"stock_assign\":true}"));
        return found.get(0).get("quantity").asDouble();
    }

    JsonNode sales(String reference) throws Exception {
        return call("model.sale.sale.search_read", "[[[\"reference\",\"=\",\"" + reference + "\"]],0,10,null,"
                + "[\"number\",\"state\",\"shipments\",\"lines\",\"reference\"],$CTX]");
    }

    /** total_amount of a sale (taxes included), exact. */
    java.math.BigDecimal total(long saleId) throws Exception {
        JsonNode total = call("model.sale.sale.read", "[[" + saleId + "],[\"total_amount\",\"untaxed_amount\",\"tax_amount\"],$CTX]")
                .get(0).get("total_amount");
        return new java.math.BigDecimal(total.isObject() ? total.get("decimal").asText() : total.asText());
    }

    /**
     * A salable service product with this code in the recipe's "Shop goods" category (19 % tax), created once: what
     * an administrator sets up for shipping charges and discounts.
     */
    void ensureServiceProduct(String code, String name) throws Exception {
        if (!call("model.product.product.search", "[[[\"code\",\"=\",\"" + code + "\"]],0,1,null,$CTX]").isEmpty()) {
            return;
        }
        long unit = call("model.product.uom.search", "[[[\"name\",\"=\",\"Unit\"]],0,1,null,$CTX]").get(0).asLong();
        long category = call("model.product.category.search", "[[[\"name\",\"=\",\"Shop goods\"]],0,1,null,$CTX]").get(0).asLong();
        call("model.product.template.create", "[[{\"name\":\"" + name + "\",\"code\":\"" + code + "\",\"type\":\"service\","
                + "\"default_uom\":" + unit + ",\"sale_uom\":" + unit + ",\"salable\":true,"
                + "\"list_price\":{\"__class__\":\"Decimal\",\"decimal\":\"0\"},\"account_category\":" + category + ","
                + "\"products\":[[\"create\",[{}]]]}],$CTX]");
    }

    void stop() throws Exception {
        String pid = Files.readString(Path.of(WORK, "trytond.pid")).trim();
        new ProcessBuilder("kill", pid).inheritIO().start().waitFor();
        if (reachable()) {
            // The pid file can be stale (a server started by an earlier run): stop the one serving this work dir.
            Thread.sleep(500);
            if (reachable()) {
                new ProcessBuilder("pkill", "-f", "trytond -c " + WORK + "/trytond.conf").inheritIO().start().waitFor();
            }
        }
        for (int i = 0; i < 100 && reachable(); i++) {
            Thread.sleep(100);
        }
    }

    void start() throws Exception {
        Process server = new ProcessBuilder("/usr/bin/trytond", "-c", WORK + "/trytond.conf")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(Path.of(WORK, "trytond.log").toFile()))
                .start();
        Files.writeString(Path.of(WORK, "trytond.pid"), String.valueOf(server.pid()));
        for (int i = 0; i < 100 && !reachable(); i++) {
            Thread.sleep(100);
        }
        authorization = null;
    }
}

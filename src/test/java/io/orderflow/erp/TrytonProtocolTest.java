package io.orderflow.erp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.orderflow.config.OrderflowProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Tryton protocol details a real Tryton rarely shows on demand: an expired session (HTTP 401) is renewed once
 * and the call repeated; a UserError becomes a review with Tryton's message (shapes from shared/tryton/README.md).
 */
class TrytonProtocolTest {

    final WireMockServer tryton = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    TrytonClient client;

    @BeforeEach
    void start() {
        tryton.start();
        OrderflowProperties.Erp settings = new OrderflowProperties.Erp();
        settings.setUrl(tryton.baseUrl());
        settings.getTryton().setDatabase("orderflow");
        settings.getTryton().setUsername("admin");
        settings.getTryton().setPassword("admin");
        client = new TrytonClient(settings, new ErpHttp(settings), new ObjectMapper(), null);
        rpc("common.db.login", "[1,\"session-one\"]");
        rpc("model.res.user.get_preferences", "{\"company\":1,\"language\":\"en\"}");
    }

    @AfterEach
    void stop() {
        tryton.stop();
    }

    @Test
    void anExpiredSessionIsRenewedOnceAndTheCallRepeated() {
        tryton.stubFor(post(urlEqualTo("/orderflow/")).inScenario("session").whenScenarioStateIs(Scenario.STARTED)
                .withRequestBody(matchingJsonPath("$.method", equalTo("model.sale.sale.search_read")))
                .willReturn(aResponse().withStatus(401)).willSetStateTo("renewed"));
        tryton.stubFor(post(urlEqualTo("/orderflow/")).inScenario("session").whenScenarioStateIs("renewed")
                .withRequestBody(matchingJsonPath("$.method", equalTo("model.sale.sale.search_read")))
                .willReturn(ok("[{\"id\":7,\"number\":\"7\",\"state\":\"processing\"}]")));

        assertThat(client.findOrder("shop-1001")).hasValueSatisfying(o -> assertThat(o.confirmed()).isTrue());
        tryton.verify(2, postRequestedFor(urlEqualTo("/orderflow/"))
                .withRequestBody(matchingJsonPath("$.method", equalTo("common.db.login"))));
        tryton.verify(2, postRequestedFor(urlEqualTo("/orderflow/"))
                .withRequestBody(matchingJsonPath("$.method", equalTo("model.sale.sale.search_read")))
                .withRequestBody(matchingJsonPath("$.params[5].company", equalTo("1"))));
    }

    @Test
    void aUserErrorIsARefusalWithTrytonsMessage() {
        tryton.stubFor(post(urlEqualTo("/orderflow/"))
                .withRequestBody(matchingJsonPath("$.method", equalTo("model.sale.sale.search_read")))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(
                        "{\"id\":3,\"error\":[\"UserError\",[\"You are not allowed to create records of \\\"Sale\\\" "
                                + "because they fail on at least one of these rules: User in companies\",\"\",null]]}")));

        assertThatThrownBy(() -> client.findOrder("shop-1002")).isInstanceOf(ErpRejectedException.class)
                .hasMessageContaining("User in companies");
    }

    @Test
    void aDatabaseLockIsRetriedLater() {
        tryton.stubFor(post(urlEqualTo("/orderflow/"))
                .withRequestBody(matchingJsonPath("$.method", equalTo("model.party.contact_mechanism.search_read")))
                .willReturn(ok("[]").withBody("{\"id\":4,\"error\":[\"database is locked\",\"\"]}")));
        assertThatThrownBy(() -> client.findOrCreateCustomer(new ObjectMapper().createObjectNode()))
                .isInstanceOf(ErpUnavailableException.class);
    }

    private void rpc(String method, String result) {
        tryton.stubFor(post(urlEqualTo("/orderflow/")).withRequestBody(matchingJsonPath("$.method", equalTo(method)))
                .willReturn(ok(result)));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder ok(String result) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"id\":1,\"result\":" + result + "}");
    }
}

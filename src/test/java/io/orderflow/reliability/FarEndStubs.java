package io.orderflow.reliability;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

/**
 * The far end of the process suites, in the test JVM: a WireMock ERPNext whose sales-order endpoints remember what
 * they were given ({@link ErpNextState}, so a lookup-before-create finds an earlier create) and a GreenMail SMTP
 * server with a login. What they received is what the suites count: ERP sales orders by {@code po_no}, mails by
 * subject, and who sent them (the ERP API key in {@code Authorization: token <key>:<secret>}, the mail's From).
 */
final class FarEndStubs implements AutoCloseable {

    static final String SMTP_USER = "orders@demo-shop.example";
    private static final ObjectMapper JSON = new ObjectMapper();

    final WireMockServer erp;
    final GreenMail smtp;

    /** One ERP sales order create as the stub received it: the order's reference and the API key that sent it. */
    record SalesOrderPost(String poNo, String apiKey) {
    }

    /** One mail as GreenMail received it. */
    record Mail(String subject, String from) {
    }

    FarEndStubs(String smtpPassword) {
        erp = new WireMockServer(WireMockConfiguration.options().dynamicPort()
                .containerThreads(20).extensions(new ErpNextState(Map.of("test-shopify-", new BigDecimal("597.00")))));
        erp.start();
        erp.stubFor(any(urlPathMatching("/api/resource/Sales%20Order.*")).willReturn(aResponse()
                .withTransformers(ErpNextState.NAME)));
        erp.stubFor(get(urlPathEqualTo("/api/resource/Customer")).willReturn(data("[]")));
        erp.stubFor(post(urlEqualTo("/api/resource/Customer")).willReturn(data("{\"name\":\"Probe Customer\"}")));
        erp.stubFor(post(urlEqualTo("/api/resource/Address")).willReturn(data("{\"name\":\"Probe Customer-Billing\"}")));
        erp.stubFor(get(urlPathEqualTo("/api/resource/Item")).willReturn(data(
                "[{\"item_code\":\"IPOD2008GREEN\"},{\"item_code\":\"IPOD2008RED\"},{\"item_code\":\"IPOD2008BLACK\"}]")));
        erp.stubFor(get(urlPathEqualTo("/api/resource/Bin")).willReturn(data(
                "[{\"item_code\":\"IPOD2008GREEN\",\"actual_qty\":100000,\"reserved_qty\":0},"
                        + "{\"item_code\":\"IPOD2008RED\",\"actual_qty\":100000,\"reserved_qty\":0},"
                        + "{\"item_code\":\"IPOD2008BLACK\",\"actual_qty\":100000,\"reserved_qty\":0}]")));
        smtp = new GreenMail(new ServerSetup(ConnectorProcess.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.setUser(SMTP_USER, SMTP_USER, smtpPassword);
        smtp.start();
    }

    private static ResponseDefinitionBuilder data(String data) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("{\"data\":" + data + "}");
    }

    /** The connector settings that point it at these stubs (ERPNext with that API key, SMTP with the login). */
    List<String> connectorArguments(String erpApiKey, String erpSecret, String smtpPassword, String mailFromName) {
        return new ArrayList<>(List.of(
                "--orderflow.erp.kind=erpnext", "--orderflow.erp.url=" + erp.baseUrl(),
                "--orderflow.erp.erpnext.api-key=" + erpApiKey, "--orderflow.erp.erpnext.api-secret=" + erpSecret,
                "--orderflow.erp.erpnext.company=Demo Shop Ltd", "--orderflow.erp.erpnext.warehouse=Stores - DS",
                "--orderflow.erp.charges.shipping-account=Freight - DS",
                "--orderflow.notifications.shop-name=Demo Shop", "--orderflow.notifications.email.host=127.0.0.1",
                "--orderflow.notifications.email.port=" + smtp.getSmtp().getPort(),
                "--orderflow.notifications.email.start-tls=false",
                "--orderflow.notifications.email.username=" + SMTP_USER,
                "--orderflow.notifications.email.password=" + smtpPassword,
                "--orderflow.notifications.email.from=" + mailFromName + " <" + SMTP_USER + ">"));
    }

    /** Every sales order create the ERP stub received, in order. */
    List<SalesOrderPost> salesOrderPosts() throws Exception {
        List<SalesOrderPost> posts = new ArrayList<>();
        for (var request : erp.findAll(postRequestedFor(urlEqualTo("/api/resource/Sales%20Order")))) {
            String authorization = String.valueOf(request.getHeader("Authorization"));
            String key = authorization.startsWith("token ") && authorization.contains(":")
                    ? authorization.substring("token ".length(), authorization.indexOf(':')) : "";
            posts.add(new SalesOrderPost(JSON.readTree(request.getBodyAsString()).path("po_no").asText(), key));
        }
        return posts;
    }

    /** Every mail GreenMail received. */
    List<Mail> mails() throws MessagingException {
        List<Mail> mails = new ArrayList<>();
        for (MimeMessage message : smtp.getReceivedMessages()) {
            mails.add(new Mail(message.getSubject(), message.getFrom() == null ? "" : message.getFrom()[0].toString()));
        }
        return mails;
    }

    /**
     * Per accepted order key ({@code test-shopify:<id>}): how many ERP sales orders (by po_no
     * {@code test-shopify-<id>}) and how many order mails (subject containing {@code #C<id> }) arrived.
     */
    void count(List<String> orders, Map<String, Integer> erpOrders, Map<String, Integer> mails) throws Exception {
        Map<String, Integer> posted = new HashMap<>();
        for (SalesOrderPost post : salesOrderPosts()) {
            posted.merge(post.poNo(), 1, Integer::sum);
        }
        Map<String, Integer> subjects = new HashMap<>();
        for (Mail mail : mails()) {
            subjects.merge(mail.subject(), 1, Integer::sum);
        }
        for (String key : orders) {
            String id = key.substring(key.indexOf(':') + 1);
            erpOrders.put(key, posted.getOrDefault("test-shopify-" + id, 0));
            mails.put(key, subjects.entrySet().stream().filter(e -> e.getKey().contains("#C" + id + " "))
                    .mapToInt(Map.Entry::getValue).sum());
        }
    }

    @Override
    public void close() {
        erp.stop();
        smtp.stop();
    }
}

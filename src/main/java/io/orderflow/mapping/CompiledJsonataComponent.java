package io.orderflow.mapping;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;

import com.dashjoin.jsonata.Jsonata;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.component.jsonata.JsonataComponent;
import org.apache.camel.component.jsonata.JsonataConstants;
import org.apache.camel.component.jsonata.JsonataEndpoint;
import org.apache.camel.component.jsonata.JsonataInputOutputType;
import org.apache.camel.support.ExchangeHelper;

/**
 * Camel's {@code jsonata:} component (the routes' mappings: normalise-shop-order, normalise-payment, the gate's shop
 * order fetch), with each mapping file compiled once and compiled again only when the file changes (modification
 * time or size): the stock endpoint reads and parses the mapping on every exchange, which was a sixth of the stages'
 * CPU per order (issue 13, docs/performance.md). Integrators still edit mappings/ without a restart. Options, input
 * and output behave as in Camel's endpoint; a mapping named by the CamelJsonataResourceUri header
 * (allowTemplateFromHeader) and resources that are not files take Camel's own path, uncached. Compiled expressions
 * are kept per thread: the JSONata evaluator keeps evaluation state on the expression object.
 */
public class CompiledJsonataComponent extends JsonataComponent {

    private static final ThreadLocal<Map<String, Compiled>> COMPILED = ThreadLocal.withInitial(HashMap::new);

    private record Compiled(long modified, long size, Jsonata expression) {
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        JsonataEndpoint stock = (JsonataEndpoint) super.createEndpoint(uri, remaining, parameters);
        CompiledEndpoint endpoint = new CompiledEndpoint(uri, this, stock.getResourceUri(), getFrameBinding());
        endpoint.setContentCache(stock.isContentCache());
        endpoint.setAllowTemplateFromHeader(stock.isAllowTemplateFromHeader());
        return endpoint;
    }

    static final class CompiledEndpoint extends JsonataEndpoint {

        private final ObjectMapper json = new ObjectMapper();

        CompiledEndpoint(String uri, JsonataComponent component, String resourceUri,
                org.apache.camel.component.jsonata.JsonataFrameBinding frameBinding) {
            super(uri, component, resourceUri, frameBinding);
        }

        @Override
        protected void onExchange(Exchange exchange) throws Exception {
            Path file = file();
            if (file == null || (isAllowTemplateFromHeader()
                    && exchange.getIn().getHeader(JsonataConstants.JSONATA_RESOURCE_URI) != null)) {
                super.onExchange(exchange);
                return;
            }
            Jsonata expression = expression(file);
            Object input = getInputType() == JsonataInputOutputType.JsonString
                    ? json.readValue(exchange.getIn().getBody(InputStream.class), Object.class)
                    : json.convertValue(exchange.getIn().getBody(), Object.class);
            Jsonata.Frame frame = expression.createFrame();
            if (getFrameBinding() != null) {
                getFrameBinding().bindToFrame(frame);
            }
            Object result = expression.evaluate(input, frame);
            String text = isPrettyPrint() ? json.writerWithDefaultPrettyPrinter().writeValueAsString(result)
                    : json.writeValueAsString(result);
            ExchangeHelper.setInOutBodyPatternAware(exchange,
                    getOutputType() == JsonataInputOutputType.JsonString ? text : json.readTree(text));
        }

        private Path file() {
            String uri = getResourceUri();
            return uri != null && uri.startsWith("file:") ? Path.of(uri.substring("file:".length())) : null;
        }

        private Jsonata expression(Path file) throws java.io.IOException {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            long modified = attributes.lastModifiedTime().toMillis();
            String key = file.toString();
            Compiled known = COMPILED.get().get(key);
            if (known != null && known.modified() == modified && known.size() == attributes.size()) {
                return known.expression();
            }
            // As Camel's endpoint reads it: lines joined with \n.
            String text = String.join("\n", Files.readAllLines(file, StandardCharsets.UTF_8));
            Jsonata expression = Jsonata.jsonata(text);
            COMPILED.get().put(key, new Compiled(modified, attributes.size(), expression));
            return expression;
        }
    }
}

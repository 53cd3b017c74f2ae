package io.orderflow.mapping;

import java.io.InputStream;
import java.nio.file.Path;
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
 * Camel's {@code jsonata:} component (the routes' mappings: normalise-shop-order, normalise-payment,
 * normalise-shipment, the gate's shop order fetch) reading mapping files through {@link JsonataMappingFiles}: the
 * file's text is kept until the file changes (the stock endpoint reads the resource on every exchange) and each
 * exchange evaluates an expression parsed for it (a parsed expression reused gets slower with every use: see
 * JsonataMappingFiles). Integrators still edit mappings/ without a restart. Options, input and output behave as in
 * Camel's endpoint; a mapping named by the CamelJsonataResourceUri header (allowTemplateFromHeader) and resources
 * that are not files take Camel's own path.
 */
public class MappingFileJsonataComponent extends JsonataComponent {

    private final JsonataMappingFiles files = new JsonataMappingFiles();

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        JsonataEndpoint stock = (JsonataEndpoint) super.createEndpoint(uri, remaining, parameters);
        MappingFileEndpoint endpoint = new MappingFileEndpoint(uri, this, stock.getResourceUri(), getFrameBinding(), files);
        endpoint.setContentCache(stock.isContentCache());
        endpoint.setAllowTemplateFromHeader(stock.isAllowTemplateFromHeader());
        return endpoint;
    }

    static final class MappingFileEndpoint extends JsonataEndpoint {

        private final ObjectMapper json = new ObjectMapper();
        private final JsonataMappingFiles files;

        MappingFileEndpoint(String uri, JsonataComponent component, String resourceUri,
                org.apache.camel.component.jsonata.JsonataFrameBinding frameBinding, JsonataMappingFiles files) {
            super(uri, component, resourceUri, frameBinding);
            this.files = files;
        }

        @Override
        protected void onExchange(Exchange exchange) throws Exception {
            Path file = file();
            if (file == null || (isAllowTemplateFromHeader()
                    && exchange.getIn().getHeader(JsonataConstants.JSONATA_RESOURCE_URI) != null)) {
                super.onExchange(exchange);
                return;
            }
            Jsonata expression = files.expression(file);
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
    }
}

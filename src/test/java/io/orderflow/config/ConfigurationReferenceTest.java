package io.orderflow.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.beans.PropertyDescriptor;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.springframework.beans.BeanUtils;

/**
 * docs/configuration.md documents every orderflow.* setting: the ones Spring Boot's configuration processor declares
 * (its metadata, compiled from OrderflowProperties and NotificationProperties) and, for settings keyed by an id of the
 * user's (orderflow.channels.&lt;id&gt;..., review-rules[n]...), every property of the keyed class. A setting added to
 * the code without a line in the reference fails here (scripts/config-reference regenerates the generated part).
 */
class ConfigurationReferenceTest {

    private static final String METADATA = "META-INF/spring-configuration-metadata.json";

    @Test
    void everyDeclaredSettingIsInTheReference() throws Exception {
        String doc = Files.readString(Path.of("docs/configuration.md"));
        JsonNode properties = metadata().get("properties");
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (JsonNode property : properties) {
            String name = property.get("name").asText();
            if (!name.startsWith("orderflow.")) {
                continue;
            }
            checked++;
            if (!doc.contains("`" + name + "`")) {
                missing.add(name);
            }
            for (String path : keyedPaths(property.get("type").asText())) {
                checked++;
                Pattern documented = Pattern.compile(Pattern.quote(name) + "(\\.<[^>]+>|\\[n])\\." + Pattern.quote(path)
                        + "(?![a-z-])");
                if (!documented.matcher(doc).find()) {
                    missing.add(name + ".<key>." + path);
                }
            }
        }
        assertThat(checked).as("settings checked").isGreaterThan(80);
        assertThat(missing).as("settings missing from docs/configuration.md").isEmpty();
    }

    @Test
    void environmentVariableColumnFollowsRelaxedBinding() throws Exception {
        String doc = Files.readString(Path.of("docs/configuration.md"));
        assertThat(doc).contains("| `orderflow.erp.erpnext.api-key` | `ORDERFLOW_ERP_ERPNEXT_APIKEY` |");
    }

    /** For Map<String, X> and List<X> settings whose X is one of ours: the kebab-case paths of X's properties. */
    private static List<String> keyedPaths(String type) throws ClassNotFoundException {
        var matcher = Pattern.compile("java\\.util\\.(?:Map<java\\.lang\\.String,|List<)(io\\.orderflow\\.[\\w.$]+)>")
                .matcher(type);
        List<String> paths = new ArrayList<>();
        if (matcher.matches()) {
            collect(Class.forName(matcher.group(1)), "", paths);
        }
        return paths;
    }

    private static void collect(Class<?> type, String prefix, List<String> paths) {
        for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
            if (descriptor.getReadMethod() == null || descriptor.getName().equals("class")) {
                continue;
            }
            Class<?> propertyType = descriptor.getPropertyType();
            String path = prefix + kebab(descriptor.getName());
            boolean nested = propertyType.getName().startsWith("io.orderflow.") && !propertyType.isEnum();
            if (nested) {
                collect(propertyType, path + ".", paths);
            } else if (descriptor.getWriteMethod() != null) {
                paths.add(path);
            }
        }
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    private static JsonNode metadata() throws Exception {
        try (InputStream in = ConfigurationReferenceTest.class.getClassLoader().getResourceAsStream(METADATA)) {
            assertThat(in).as(METADATA + " (the configuration processor's output)").isNotNull();
            return new ObjectMapper().readTree(in);
        }
    }
}

package io.orderflow.shop;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import io.orderflow.review.UnprocessableEventException;
import org.springframework.stereotype.Component;

/**
 * The registry of shop platforms: every {@link ShopPlatform} bean, by {@link ShopPlatform#name()}. A channel's
 * {@code type} is looked up here; the start-up check ({@code ChannelSettingsValidator}) refuses a type with no
 * platform, so at run time every configured channel has one.
 */
@Component("shopPlatforms")
public class ShopPlatforms {

    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private final Map<String, ShopPlatform> byName;

    public ShopPlatforms(List<ShopPlatform> platforms) {
        Map<String, ShopPlatform> map = new TreeMap<>();
        for (ShopPlatform platform : platforms) {
            if (platform.name() == null || !NAME.matcher(platform.name()).matches()) {
                throw new IllegalStateException("shop platform " + platform.getClass().getName() + " is named '"
                        + platform.name() + "': lower-case letters, digits and '-' (it names a mapping file)");
            }
            ShopPlatform previous = map.put(platform.name(), platform);
            if (previous != null) {
                throw new IllegalStateException("two shop platforms are named '" + platform.name() + "': "
                        + previous.getClass().getName() + " and " + platform.getClass().getName());
            }
        }
        this.byName = Collections.unmodifiableMap(map);
    }

    /** The names of all platforms, sorted. */
    public Set<String> names() {
        return byName.keySet();
    }

    public Optional<ShopPlatform> find(String type) {
        return Optional.ofNullable(type == null ? null : byName.get(type));
    }

    /** The platform of a configured channel type; a type without one is a configuration error. */
    public ShopPlatform forType(String type) {
        return find(type).orElseThrow(() -> new IllegalStateException("no shop platform '" + type + "' (known: "
                + String.join(", ", names()) + ")"));
    }

    /**
     * Route step: the channel type of an event (header orderflowChannelType) must name a platform, else the event is
     * parked for review (e.g. a raw event left on a queue after its platform was removed from the configuration).
     * Returns the type, so the route can pick the platform's mapping by it.
     */
    public String requirePlatform(String type) {
        if (find(type).isEmpty()) {
            throw new UnprocessableEventException("no mapping for channel type " + type + ": no shop platform of that name");
        }
        return type;
    }
}

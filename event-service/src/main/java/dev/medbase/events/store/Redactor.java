package dev.medbase.events.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import dev.medbase.events.EventServiceProperties;

/**
 * Replaces the values of secret-bearing keys ({@code medbase.events.redact-keys}: activation hashes, PIN codes,
 * passwords, tokens…) by {@code "[redacted]"}, at any depth, before an event is stored or sent to a webhook. Some
 * events carry secrets on purpose, for the one service that needs them (user-service's {@code activation_requested}
 * for mail-service); the events API, the stream and webhooks must not hand them to anyone with {@code VIEW_EVENTS}.
 */
@Component
public class Redactor {

    public static final String REDACTED = "[redacted]";

    private final Set<String> keys;

    @Autowired
    public Redactor(EventServiceProperties properties) {
        this(properties.redactKeys());
    }

    Redactor(Collection<String> keys) {
        this.keys = keys.stream().map(Redactor::normalise).collect(Collectors.toUnmodifiableSet());
    }

    /** A copy of {@code content} with secret values replaced; the argument is not changed. */
    public Map<String, Object> redact(Map<String, Object> content) {
        return redactMap(content);
    }

    private Map<String, Object> redactMap(Map<?, ?> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            String key = String.valueOf(k);
            out.put(key, v != null && keys.contains(normalise(key)) ? REDACTED : redactValue(v));
        });
        return out;
    }

    private Object redactValue(Object value) {
        if (value instanceof Map<?, ?> map) {
            return redactMap(map);
        }
        if (value instanceof Collection<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(redactValue(v)));
            return out;
        }
        return value;
    }

    private static String normalise(String key) {
        return key.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
    }
}

package dev.medbase.events;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import org.bson.Document;

/**
 * The dispatchers or webhooks of each event type, read from MongoDB at most once per
 * {@code medbase.events.cache-refresh} instead of once per event, and at once after a change made through this
 * replica. Changes made through another replica take effect here within the refresh interval.
 */
public final class ByTypeCache {

    private record Snapshot(Map<String, List<Document>> byType, long loadedAt) {
    }

    private final Supplier<List<Document>> loader;
    private final Function<Document, Collection<String>> typesOf;
    private final String wildcard;
    private final long refreshNanos;
    private volatile Snapshot snapshot;

    /**
     * @param loader   reads every entry (dispatchers, enabled webhooks)
     * @param typesOf  the event types an entry is for
     * @param wildcard a type that stands for every type, or null
     */
    public ByTypeCache(Supplier<List<Document>> loader, Function<Document, Collection<String>> typesOf,
                       String wildcard, java.time.Duration refresh) {
        this.loader = loader;
        this.typesOf = typesOf;
        this.wildcard = wildcard;
        this.refreshNanos = refresh.toNanos();
    }

    public List<Document> get(String type) {
        Snapshot current = snapshot;
        if (current == null || System.nanoTime() - current.loadedAt() > refreshNanos) {
            current = reload();
        }
        List<Document> exact = current.byType().getOrDefault(type, List.of());
        List<Document> all = wildcard == null ? List.of() : current.byType().getOrDefault(wildcard, List.of());
        if (all.isEmpty()) {
            return exact;
        }
        List<Document> both = new ArrayList<>(exact);
        all.stream().filter(d -> !exact.contains(d)).forEach(both::add);
        return both;
    }

    /** After a change: the next lookup reads again. */
    public void invalidate() {
        snapshot = null;
    }

    private Snapshot reload() {
        long at = System.nanoTime();
        Map<String, List<Document>> byType = new HashMap<>();
        for (Document entry : loader.get()) {
            for (String type : typesOf.apply(entry)) {
                byType.computeIfAbsent(type, t -> new ArrayList<>()).add(entry);
            }
        }
        Snapshot loaded = new Snapshot(byType, at);
        snapshot = loaded;
        return loaded;
    }
}

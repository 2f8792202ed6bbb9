package dev.medbase.data.documents;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bson.Document;

import dev.medbase.data.support.Json;

/** The wire form of a stored document (§7.4): camelCase system keys, data verbatim, ISO timestamps. */
public final class DocumentWire {

    private static final List<String> ORDER = List.of("userIds", "groupIds", "creatorId", "status",
            "statusChangedTimestamp", "data", "transitionLock", "commentCount", "creationTimestamp",
            "updateTimestamp");

    private DocumentWire() {
    }

    /** Only the keys present (a select() projection returns fewer); internal keys ({@code _lock}) never. */
    public static Map<String, Object> toWire(Document stored) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (stored.containsKey("_id")) {
            out.put("id", Json.wire(stored.get("_id")));
        }
        for (String key : ORDER) {
            if (stored.containsKey(key)) {
                out.put(key, Json.wire(stored.get(key)));
            }
        }
        return out;
    }
}

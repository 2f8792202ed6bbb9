package dev.medbase.data.schemas;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bson.Document;

import dev.medbase.data.support.Json;

/** The wire form of a stored schema (§7.1): camelCase, ISO timestamps, only the fields present (after select()). */
public final class SchemaWire {

    private static final List<String> ORDER = List.of("name", "description", "properties", "statuses",
            "creationTransition", "transitions", "indexes", "createMode", "readMode", "updateMode", "deleteMode",
            "groupSyncMode", "defaultLimit", "maximumLimit");

    private SchemaWire() {
    }

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
        if (Boolean.TRUE.equals(stored.get("disabled"))) {
            out.put("disabled", true); // only disabled schemas say so; only DISABLE_SCHEMAS holders see them
        }
        for (String key : List.of("creationTimestamp", "updateTimestamp")) {
            if (stored.containsKey(key)) {
                out.put(key, Json.wire(stored.get(key)));
            }
        }
        return out;
    }
}

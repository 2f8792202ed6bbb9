package dev.medbase.data.schemas;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.bson.types.ObjectId;
import tools.jackson.databind.node.ObjectNode;

import dev.medbase.data.support.Json;

/**
 * A stored schema (§7.1), read once per version: the stored BSON document plus typed access to what the document and
 * workflow logic need. Stored shape (collection {@code schemas}):
 *
 * <pre>
 * {_id: ObjectId, name, description, properties: {…TypeConfiguration…}, statuses: {name: {k: v}},
 *  creationTransition: {…}, transitions: [{id: "hex", name, type, fromStatuses, toStatus, conditions, actions,
 *  afterActions}], indexes: [{id: "hex", name, fields: [{name, type}], options: {…}, system}],
 *  createMode, readMode, updateMode, deleteMode (string or array, as given), groupSyncMode, defaultLimit,
 *  maximumLimit, disabled: bool, version: long (+1 on every change), creationTimestamp: Date, updateTimestamp: Date}
 * </pre>
 */
public final class Schema {

    public static final String COLLECTION = "schemas";

    private final Document raw;
    private final ObjectId id;
    private final String name;
    private final long version;
    private final boolean disabled;
    private final ObjectNode properties;
    private final Map<String, Document> statuses;
    private final Transition creationTransition;
    private final List<Transition> transitions;
    private final AccessModes modes;

    public Schema(Document raw) {
        this.raw = raw;
        this.id = raw.getObjectId("_id");
        this.name = raw.getString("name");
        Object v = raw.get("version");
        this.version = v instanceof Number n ? n.longValue() : 0;
        this.disabled = Boolean.TRUE.equals(raw.get("disabled"));
        Document props = raw.get("properties", Document.class);
        this.properties = props == null ? Json.object() : Json.toNode(props);
        this.statuses = new LinkedHashMap<>();
        Document st = raw.get("statuses", Document.class);
        if (st != null) {
            st.forEach((k, val) -> statuses.put(k, val instanceof Document d ? d : new Document()));
        }
        Document ct = raw.get("creationTransition", Document.class);
        this.creationTransition = ct == null ? null : Transition.of(ct);
        this.transitions = new ArrayList<>();
        List<?> ts = raw.get("transitions", List.class);
        if (ts != null) {
            for (Object t : ts) {
                if (t instanceof Document d) {
                    transitions.add(Transition.of(d));
                }
            }
        }
        this.modes = AccessModes.of(raw);
    }

    public Document raw() {
        return raw;
    }

    public ObjectId id() {
        return id;
    }

    public String idHex() {
        return id.toHexString();
    }

    public String name() {
        return name;
    }

    public long version() {
        return version;
    }

    public boolean disabled() {
        return disabled;
    }

    /** The {@code properties} map: property name to TypeConfiguration. */
    public ObjectNode properties() {
        return properties;
    }

    public Map<String, Document> statuses() {
        return statuses;
    }

    public Transition creationTransition() {
        return creationTransition;
    }

    public List<Transition> transitions() {
        return transitions;
    }

    public AccessModes modes() {
        return modes;
    }

    public int defaultLimit() {
        return intValue("defaultLimit", 20);
    }

    public int maximumLimit() {
        return intValue("maximumLimit", 100);
    }

    public String groupSyncMode() {
        String mode = raw.getString("groupSyncMode");
        return mode == null ? "disabled" : mode;
    }

    @SuppressWarnings("unchecked")
    public List<Document> indexes() {
        List<Document> indexes = raw.get("indexes", List.class);
        return indexes == null ? List.of() : indexes;
    }

    private int intValue(String key, int fallback) {
        return raw.get(key) instanceof Number n ? n.intValue() : fallback;
    }

    /** The collection holding this schema's documents (one per schema, so indexes are per schema). */
    public String documentsCollection() {
        return documentsCollection(id);
    }

    public static String documentsCollection(ObjectId schemaId) {
        return "documents_" + schemaId.toHexString();
    }

    /**
     * A transition (the creation transition has no id, name or fromStatuses). Conditions and actions are kept as the
     * validated JSON they were defined with.
     */
    public record Transition(String id, String name, String type, List<String> fromStatuses, String toStatus,
                             List<ObjectNode> conditions, List<ObjectNode> actions, List<ObjectNode> afterActions) {

        public boolean automatic() {
            return "automatic".equals(type);
        }

        @SuppressWarnings("unchecked")
        static Transition of(Document d) {
            List<String> from = d.get("fromStatuses", List.class);
            return new Transition(d.getString("id"), d.getString("name"), d.getString("type"),
                    from == null ? List.of() : List.copyOf(from), d.getString("toStatus"),
                    nodes(d.get("conditions")), nodes(d.get("actions")), nodes(d.get("afterActions")));
        }

        private static List<ObjectNode> nodes(Object value) {
            List<ObjectNode> out = new ArrayList<>();
            if (value instanceof List<?> list) {
                for (Object item : list) {
                    if (item instanceof Document d) {
                        out.add(Json.toNode(d));
                    }
                }
            }
            return List.copyOf(out);
        }
    }
}

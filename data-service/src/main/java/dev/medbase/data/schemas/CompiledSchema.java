package dev.medbase.data.schemas;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.node.ObjectNode;

import dev.medbase.platform.rql.FieldType;
import dev.medbase.platform.rql.RqlTranslator;

/**
 * Everything derived from one version of a schema, built once and cached ({@link SchemaCache}): the typed schema, the
 * compiled data validator, the compiled validators of input/document conditions, and the RQL translator for its
 * documents (system fields plus {@code data.*} typed by the properties, limits from the schema).
 */
public final class CompiledSchema {

    private final Schema schema;
    private final DataValidator data;
    private final Map<String, DataValidator> conditions = new HashMap<>();
    private final RqlTranslator documents;

    CompiledSchema(Schema schema) {
        this.schema = schema;
        this.data = DataValidator.forProperties(schema.properties());
        if (schema.creationTransition() != null) {
            compileConditions(schema.creationTransition());
        }
        schema.transitions().forEach(this::compileConditions);
        this.documents = documentTranslator(schema);
    }

    private void compileConditions(Schema.Transition transition) {
        List<ObjectNode> list = transition.conditions();
        for (int i = 0; i < list.size(); i++) {
            ObjectNode condition = list.get(i);
            String type = condition.path("type").asString("");
            if ((type.equals("input") || type.equals("document")) && condition.has("configuration")) {
                conditions.put(key(transition, i), DataValidator.forConfiguration(condition.get("configuration")));
            }
        }
    }

    private static String key(Schema.Transition transition, int index) {
        return (transition.id() == null ? "creation" : transition.id()) + "#" + index;
    }

    static RqlTranslator documentTranslator(Schema schema) {
        RqlTranslator.Builder b = RqlTranslator.builder()
                .field("id", "_id", FieldType.OBJECT_ID)
                .field("creatorId", FieldType.STRING)
                .field("userIds", FieldType.STRING)
                .field("groupIds", FieldType.STRING)
                .field("status", FieldType.STRING)
                .field("statusChangedTimestamp", FieldType.DATE)
                .field("creationTimestamp", FieldType.DATE)
                .field("updateTimestamp", FieldType.DATE)
                .field("commentCount", FieldType.NUMBER)
                .field("transitionLock")
                .field("transitionLock.timestamp", FieldType.DATE)
                .field("data");
        Map<String, FieldType> types = new LinkedHashMap<>();
        TypeConfigurations.fieldTypes(schema.properties(), "data", types);
        types.forEach(b::field);
        int max = Math.max(1, schema.maximumLimit());
        return b.defaultLimit(Math.max(1, Math.min(schema.defaultLimit(), max))).maxLimit(max).build();
    }

    public Schema schema() {
        return schema;
    }

    /** The validator of document data. */
    public DataValidator data() {
        return data;
    }

    /** The validator of an input or document condition (by its position in the transition). */
    public DataValidator condition(Schema.Transition transition, int index) {
        return conditions.get(key(transition, index));
    }

    public RqlTranslator documentQueries() {
        return documents;
    }
}

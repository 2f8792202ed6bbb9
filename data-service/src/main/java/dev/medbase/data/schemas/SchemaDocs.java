package dev.medbase.data.schemas;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Documentation only (OpenAPI, {@code @ApiBody} on {@link SchemaController}): the wire shapes of schemas and their
 * parts (contract §7.1–7.3), camelCase. The controller binds JSON trees; these records never bind anything. The
 * examples are one consistent story — a blood-pressure schema — that {@code DocumentedExamplesTest} sends to the
 * real endpoints in order.
 */
final class SchemaDocs {

    private SchemaDocs() {
    }

    @Schema(description = "A new schema: only name is required; the rest defaults as in §7.1", example = """
            {"name": "blood-pressure", "description": "Blood pressure measurement",
             "properties": {"systolic": {"type": "number", "minimum": 0},
                            "diastolic": {"type": "number", "minimum": 0},
                            "timestamp": {"type": "string", "format": "date-time"},
                            "medications": {"type": "array", "items": {"type": "object", "properties": {
                                "name": {"type": "string"}, "dose": {"type": "string"}}}}},
             "statuses": {"measured": {}, "reviewed": {"label": "Reviewed"}},
             "creationTransition": {"type": "manual", "toStatus": "measured", "actions": [{"type": "linkCreator"}]},
             "transitions": [{"name": "review", "type": "manual", "fromStatuses": ["measured"],
                              "toStatus": "reviewed"}],
             "readMode": ["creator", "linkedUsers", "linkedGroupStaff"], "defaultLimit": 20, "maximumLimit": 100}""")
    record NewSchema(String name, String description, Map<String, TypeConfiguration> properties,
                     Map<String, Map<String, String>> statuses, CreationTransition creationTransition,
                     List<NewTransition> transitions,
                     @Schema(description = "\"allUsers\" or \"permissionRequired\"") String createMode,
                     @Schema(description = "\"allUsers\", \"permissionRequired\" or a list of relations")
                     Object readMode,
                     @Schema(description = "\"permissionRequired\" or a list of relations") Object updateMode,
                     @Schema(description = "\"permissionRequired\" or a list of relations") Object deleteMode,
                     String groupSyncMode, Integer defaultLimit, Integer maximumLimit) {}

    @Schema(description = "Changes to a schema's own settings (parts have their own endpoints)", example = """
            {"description": "Blood pressure, reviewed by a nurse", "maximumLimit": 50}""")
    record SchemaChanges(String name, String description, String createMode, Object readMode, Object updateMode,
                         Object deleteMode, String groupSyncMode, Integer defaultLimit, Integer maximumLimit) {}

    @Schema(name = "DataSchema", description = "A schema (§7.1); disabled only appears, as true, on disabled schemas")
    record SchemaView(String id, String name, String description, Map<String, TypeConfiguration> properties,
                      Map<String, Map<String, String>> statuses, CreationTransition creationTransition,
                      List<Transition> transitions, List<Index> indexes, String createMode, Object readMode,
                      Object updateMode, Object deleteMode, String groupSyncMode, Integer defaultLimit,
                      Integer maximumLimit, Boolean disabled, String creationTimestamp, String updateTimestamp) {}

    @Schema(description = "A property definition (§7.2): JSON-schema-like, per type", example = """
            {"type": "number", "minimum": 0, "maximum": 300, "description": "Beats per minute"}""")
    record TypeConfiguration(@Schema(allowableValues = {"object", "array", "string", "number", "boolean"})
                             String type, String description, Boolean queryable,
                             Map<String, Object> properties, Object additionalProperties, List<String> required,
                             Object items, Integer minItems, Integer maxItems, Object contains,
                             Integer minLength, Integer maxLength, String pattern,
                             @JsonProperty("enum") List<Object> enumValues, @JsonProperty("const") Object constValue,
                             @Schema(allowableValues = "date-time") String format, Double minimum, Double maximum) {}

    @Schema(description = "A new property at a dot path whose parent exists", example = """
            {"name": "heartRate", "configuration": {"type": "number", "minimum": 0}}""")
    record NewProperty(String name, TypeConfiguration configuration) {}

    @Schema(description = "A new status and its string map", example = """
            {"name": "archived", "data": {"label": "Archived"}}""")
    record NewStatus(String name, Map<String, String> data) {}

    @Schema(description = "A status's new string map; the map itself (without \"data\") is accepted too", example = """
            {"data": {"label": "Archived", "color": "grey"}}""")
    record StatusChanges(Map<String, String> data) {}

    @Schema(description = "The transition that creates documents (§7.3); only manual is supported", example = """
            {"type": "manual", "toStatus": "measured", "actions": [{"type": "linkCreator"}]}""")
    record CreationTransition(String type, String toStatus, List<Object> conditions, List<Object> actions,
                              List<Object> afterActions) {}

    @Schema(description = "A transition (§7.3): conditions, actions and afterActions are objects with a type",
            example = """
            {"name": "archive", "type": "manual", "fromStatuses": ["measured", "reviewed"], "toStatus": "archived",
             "actions": [{"type": "set", "field": "archived", "value": true}]}""")
    record NewTransition(String name, @Schema(allowableValues = {"manual", "automatic"}) String type,
                         List<String> fromStatuses, String toStatus, List<Object> conditions, List<Object> actions,
                         List<Object> afterActions) {}

    @Schema(description = "A transition with its id")
    record Transition(String id, String name, String type, List<String> fromStatuses, String toStatus,
                      List<Object> conditions, List<Object> actions, List<Object> afterActions) {}

    @Schema(description = "A new index on data fields (data.<path>) or system fields", example = """
            {"fields": [{"name": "data.timestamp", "type": "desc"}], "options": {"sparse": true}}""")
    record NewIndex(List<IndexField> fields, IndexOptions options) {}

    record IndexField(String name, @Schema(allowableValues = {"asc", "desc", "text"}) String type) {}

    record IndexOptions(Boolean unique, Boolean sparse, Boolean background) {}

    @Schema(description = "An index; system indexes cannot be removed")
    record Index(String id, String name, List<IndexField> fields, IndexOptions options, Boolean system) {}
}

package dev.medbase.data.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import dev.medbase.data.support.Json;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.rql.FieldType;

/** TypeConfiguration (§7.2): validation, JSON Schema translation, validation of data, RQL types. */
class TypeConfigurationsTest {

    private static JsonNode json(String s) {
        return Json.MAPPER.readTree(s);
    }

    private static ExhError error(Runnable r) {
        try {
            r.run();
        } catch (ExhException e) {
            return e.error();
        }
        throw new AssertionError("no error");
    }

    @Test
    void invalidDefinitions() {
        for (String bad : new String[] {"{}", "{\"type\":\"integer\"}", "{\"type\":\"array\"}",
                "{\"type\":\"string\",\"pattern\":\"(\"}", "{\"type\":\"string\",\"format\":\"uri\"}",
                "{\"type\":\"number\",\"minLength\":1}", "{\"type\":\"string\",\"enum\":[1]}",
                "{\"type\":\"string\",\"enum\":[]}", "{\"type\":\"number\",\"minimum\":5,\"maximum\":1}",
                "{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"minItems\":-1}",
                "{\"type\":\"object\",\"properties\":{\"a.b\":{\"type\":\"string\"}}}",
                "{\"type\":\"object\",\"required\":\"a\"}", "{\"type\":\"boolean\",\"const\":\"yes\"}",
                "[]", "\"string\""}) {
            assertThat(error(() -> TypeConfigurations.validate(json(bad), "p"))).as(bad)
                    .isEqualTo(ExhError.ILLEGAL_ARGUMENT_EXCEPTION);
        }
        String deep = "{\"type\":\"object\",\"properties\":{\"a\":".repeat(40) + "{\"type\":\"string\"}"
                + "}}".repeat(40);
        assertThat(error(() -> TypeConfigurations.validate(json(deep), "p")))
                .isEqualTo(ExhError.ILLEGAL_ARGUMENT_EXCEPTION);
    }

    @Test
    void translationDropsWhatJsonSchemaDoesNotKnow() {
        ObjectNode schema = TypeConfigurations.toJsonSchema(json("""
                {"type":"array","queryable":true,"items":[{"type":"string","format":"date-time"},{"type":"number"}],
                 "contains":{"type":"number","const":1}}"""));
        assertThat(schema).isEqualTo(json("""
                {"type":"array","prefixItems":[{"type":"string"},{"type":"number"}],
                 "contains":{"type":"number","const":1}}"""));
    }

    @Test
    void validationNormalisesDatesAndNamesEveryFailingPath() {
        DataValidator v = DataValidator.forProperties((ObjectNode) json("""
                {"at":{"type":"string","format":"date-time"},
                 "list":{"type":"array","items":{"type":"object","required":["n"],"properties":{"n":{"type":"number"}}}},
                 "code":{"type":"string","pattern":"^[A-Z]{2}$"},"ok":{"type":"boolean","enum":[true]}}"""));
        JsonNode stored = v.normalizeAndValidate(json("{\"at\":\"2020-05\",\"list\":[{\"n\":1}],\"code\":\"AB\","
                + "\"extra\":{\"free\":true}}"), "data");
        assertThat(stored).isEqualTo(json("{\"at\":\"2020-05-01T00:00:00.000Z\",\"list\":[{\"n\":1}],\"code\":\"AB\","
                + "\"extra\":{\"free\":true}}"));
        assertThatThrownBy(() -> v.normalizeAndValidate(json("{\"list\":[{\"n\":1},{}],\"code\":\"abc\","
                + "\"ok\":false}"), "data"))
                .isInstanceOfSatisfying(ExhException.class, e -> {
                    assertThat(e.error()).isEqualTo(ExhError.ILLEGAL_ARGUMENT_EXCEPTION);
                    assertThat(e.getMessage()).contains("data.list[1]", "data.code", "data.ok");
                });
        assertThat(v.problems(json("{\"at\":\"2020-05\"}"), "input")).isEmpty();
        assertThat(v.problems(json("{\"at\":\"soon\"}"), "input")).singleElement().asString().contains("input.at");
    }

    @Test
    void rqlTypesOfDataFields() {
        Map<String, FieldType> types = new LinkedHashMap<>();
        TypeConfigurations.fieldTypes((ObjectNode) json("""
                {"n":{"type":"number"},"s":{"type":"string"},"d":{"type":"string","format":"date-time"},
                 "b":{"type":"boolean"},"o":{"type":"object","properties":{"x":{"type":"number"}}},
                 "tags":{"type":"array","items":{"type":"string"}},
                 "rows":{"type":"array","items":{"type":"object","properties":{"at":{"type":"string","format":"date-time"}}}}}"""),
                "data", types);
        assertThat(types).containsExactly(Map.entry("data.n", FieldType.NUMBER), Map.entry("data.s", FieldType.STRING),
                Map.entry("data.d", FieldType.DATE_STRING), Map.entry("data.b", FieldType.BOOLEAN),
                Map.entry("data.o.x", FieldType.NUMBER), Map.entry("data.tags", FieldType.STRING),
                Map.entry("data.rows.at", FieldType.DATE_STRING));
    }
}

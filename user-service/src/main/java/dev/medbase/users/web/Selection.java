package dev.medbase.users.web;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.rql.RqlTranslator;

/**
 * {@code select(…)} for endpoints whose items are computed views (users): the stored documents are read whole, the
 * view is rendered, and only the selected top-level keys (plus {@code id}) are kept. The field names are checked
 * against the endpoint's translator first, so {@code select(password_hash)} is still 19.
 */
@Component
public class Selection {

    private final JsonMapper json;

    public Selection(JsonMapper json) {
        this.json = json;
    }

    /** The query without its select (the caller projects the rendered items with {@link #apply}). */
    public static RqlQuery withoutSelect(RqlQuery rql, RqlTranslator translator) {
        rql.select().forEach(translator::storedField);
        return new RqlQuery(rql.filter(), List.of(), rql.sort(), rql.limit(), rql.offset(), rql.skipCount());
    }

    public PageEnvelope<?> apply(PageEnvelope<?> page, RqlQuery rql) {
        if (rql.select().isEmpty()) {
            return page;
        }
        Set<String> keys = new LinkedHashSet<>();
        keys.add("id");
        for (String field : rql.select()) {
            String top = field.contains(".") ? field.substring(0, field.indexOf('.')) : field;
            keys.add(snakeCase(top));
        }
        return page.map(item -> {
            JsonNode node = json.valueToTree(item);
            if (node instanceof ObjectNode object) {
                object.retain(keys);
            }
            return node;
        });
    }

    private static String snakeCase(String name) {
        StringBuilder out = new StringBuilder();
        for (char c : name.toCharArray()) {
            if (Character.isUpperCase(c)) {
                out.append('_').append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}

package dev.medbase.mail.templates;


import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;

import dev.medbase.mail.MailProperties;
import dev.medbase.mail.web.Body;
import dev.medbase.mail.web.Wire;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.rql.FieldType;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlPaging;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.rql.RqlTranslator;

/**
 * Templates v1 (contract §11.2), stored in {@code templates_v1}:
 * {@code {_id, name, description, schema, fields, localizations?, creationTimestamp, updateTimestamp}} — the wire
 * names (camelCase, as the service answers), so RQL field names are the stored ones. Names are unique (so
 * {@code template_name} in a mail is unambiguous).
 */
@Service
public class TemplatesV1 {

    static final String COLLECTION = "templates_v1";
    static final int MAX_NAME = 100;
    static final int MAX_DESCRIPTION = 1000;
    static final RqlTranslator RQL = RqlTranslator.builder()
            .field("id", "_id", FieldType.OBJECT_ID)
            .field("name", FieldType.STRING)
            .field("description", FieldType.STRING)
            .field("schema")
            .field("fields")
            .field("creationTimestamp", FieldType.DATE)
            .field("updateTimestamp", FieldType.DATE)
            .field("creation_timestamp", "creationTimestamp", FieldType.DATE)
            .field("update_timestamp", "updateTimestamp", FieldType.DATE)
            .build();

    private final MongoTemplate mongo;
    private final TemplateCollection store;
    private final VelocityRenderer velocity;
    private final MailProperties properties;

    public TemplatesV1(MongoTemplate mongo, VelocityRenderer velocity, MailProperties properties, Clock clock) {
        this.mongo = mongo;
        this.store = new TemplateCollection(mongo, COLLECTION, clock);
        this.velocity = velocity;
        this.properties = properties;
    }

    @EventListener(ApplicationReadyEvent.class)
    void ensureIndexes() {
        store.ensureUniqueName();
    }

    public PageEnvelope<Map<String, Object>> find(RqlQuery rql) {
        return RqlPaging.find(mongo, RQL.toQuery(rql), rql, Document.class, COLLECTION, TemplatesV1::wire);
    }

    public Map<String, Object> create(JsonNode json) {
        Body body = Body.of(json);
        Document doc = new Document("_id", new ObjectId());
        apply(body, doc, true);
        return wire(store.insert(doc));
    }

    public Map<String, Object> update(String templateId, JsonNode json) {
        ObjectId id = Body.id("templateId", templateId);
        Body body = Body.of(json);
        Document doc = store.byId(id).orElseThrow(() -> new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION));
        apply(body, doc, false);
        store.save(doc);
        return wire(doc);
    }

    public Map<String, Object> delete(String templateId) {
        ObjectId id = Body.id("templateId", templateId);
        long n = store.delete(id);
        if (n == 0) {
            throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION);
        }
        return Wire.affected(n);
    }

    public Document get(String templateId) {
        ObjectId id = Body.id("templateId", templateId);
        Document doc = store.byId(id).orElseThrow(() -> new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION));
        return doc;
    }

    public Optional<Document> byId(ObjectId id) {
        return store.byId(id);
    }

    public Optional<Document> byName(String name) {
        return store.byName(name);
    }

    /** Resolves every field with the content (validated against the schema first). */
    public Map<String, String> resolve(Document template, Map<String, Object> content, String language) {
        Map<String, Object> safeContent = content == null ? Map.of() : content;
        TypeChecks.checkV1Content(Wire.map(template.get("schema")), safeContent);
        return velocity.render(fields(template), safeContent, language, localizations(template));
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> fields(Document template) {
        Map<String, String> fields = new LinkedHashMap<>();
        Map<String, Object> stored = Wire.map(template.get("fields"));
        if (stored != null) {
            stored.forEach((k, v) -> fields.put(k, String.valueOf(v)));
        }
        return fields;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, String>> localizations(Document template) {
        Object l = template.get("localizations");
        return l instanceof Map<?, ?> m ? (Map<String, Map<String, String>>) m : null;
    }

    private void apply(Body body, Document doc, boolean create) {
        String name = body.text("name", create, MAX_NAME);
        if (name != null) {
            doc.put("name", name);
        }
        if (body.has("description")) {
            doc.put("description", body.string("description", false, MAX_DESCRIPTION));
        }
        Map<String, Object> schema = body.object("schema", false);
        if (schema != null) {
            TypeChecks.checkV1Schema(schema);
            doc.put("schema", schema);
        } else if (create) {
            doc.put("schema", new LinkedHashMap<>(Map.of("type", "object", "fields", Map.of())));
        }
        JsonNode fieldsNode = body.objectNode("fields", create);
        if (fieldsNode != null) {
            Map<String, String> fields = new LinkedHashMap<>();
            long size = 0;
            for (Map.Entry<String, JsonNode> e : fieldsNode.properties()) {
                dev.medbase.mail.web.Values.checkKey("fields", e.getKey());
                if (!e.getValue().isString()) {
                    throw Body.invalid("fields." + e.getKey(), "must be a string");
                }
                fields.put(e.getKey(), e.getValue().asString());
                size += e.getValue().asString().length();
            }
            if (size > properties.templates().maxSourceSize().toBytes()) {
                throw Body.invalid("fields", "are larger than " + properties.templates().maxSourceSize().toBytes()
                        + " characters together");
            }
            velocity.check(fields);
            doc.put("fields", fields);
        }
        if (body.has("localizations")) {
            doc.put("localizations", Localizations.read("localizations", body.get("localizations")));
        }
    }

    static Map<String, Object> wire(Document doc) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", Wire.hex(doc.get("_id")));
        Wire.put(out, "name", doc.get("name"));
        Wire.put(out, "description", doc.get("description"));
        Wire.put(out, "schema", doc.get("schema"));
        Wire.put(out, "fields", doc.get("fields"));
        Wire.put(out, "localizations", doc.get("localizations"));
        Wire.put(out, "creationTimestamp", Wire.millis(doc.get("creationTimestamp")));
        Wire.put(out, "updateTimestamp", Wire.millis(doc.get("updateTimestamp")));
        return out;
    }
}

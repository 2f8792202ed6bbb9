package dev.medbase.mail.templates;


import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;

import dev.medbase.mail.MailProperties;
import dev.medbase.mail.web.Body;
import dev.medbase.mail.web.Values;
import dev.medbase.mail.web.Wire;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.rql.FieldType;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlPaging;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.rql.RqlTranslator;

/**
 * Templates v2 (contract §11.3), stored in {@code templates_v2}:
 * {@code {_id, name, description?, inputs?, outputs, localizations?, creationTimestamp, updateTimestamp}}. Names
 * are unique and path-safe ({@code [A-Za-z0-9_.-]}, at most 100), since a template is addressed by id or name.
 */
@Service
public class TemplatesV2 {

    static final String COLLECTION = "templates_v2";
    static final Pattern NAME = Pattern.compile("^[A-Za-z0-9_.\\-]{1,100}$");
    static final RqlTranslator RQL = RqlTranslator.builder()
            .field("id", "_id", FieldType.OBJECT_ID)
            .field("name", FieldType.STRING)
            .field("description", FieldType.STRING)
            .field("inputs")
            .field("outputs")
            .field("creationTimestamp", FieldType.DATE)
            .field("updateTimestamp", FieldType.DATE)
            .field("creation_timestamp", "creationTimestamp", FieldType.DATE)
            .field("update_timestamp", "updateTimestamp", FieldType.DATE)
            .build();

    private final MongoTemplate mongo;
    private final TemplateCollection store;
    private final HandlebarsRenderer handlebars;
    private final MailProperties properties;

    public TemplatesV2(MongoTemplate mongo, HandlebarsRenderer handlebars, MailProperties properties, Clock clock) {
        this.mongo = mongo;
        this.store = new TemplateCollection(mongo, COLLECTION, clock);
        this.handlebars = handlebars;
        this.properties = properties;
    }

    @EventListener(ApplicationReadyEvent.class)
    void ensureIndexes() {
        store.ensureUniqueName();
    }

    public PageEnvelope<Map<String, Object>> find(RqlQuery rql) {
        return RqlPaging.find(mongo, RQL.toQuery(rql), rql, Document.class, COLLECTION, TemplatesV2::wire);
    }

    public Map<String, Object> create(JsonNode json) {
        Body body = Body.of(json);
        Document doc = new Document("_id", new ObjectId());
        apply(body, doc, true);
        return wire(store.insert(doc));
    }

    public Map<String, Object> update(String idOrName, JsonNode json) {
        Body body = Body.of(json);
        Document doc = get(idOrName);
        apply(body, doc, false);
        store.save(doc);
        return Wire.affected(1);
    }

    public Map<String, Object> delete(String idOrName) {
        Document doc = get(idOrName);
        return Wire.affected(store.delete(doc.get("_id")));
    }

    /** By id when the value is an ObjectId naming a template, else by name; 16 when neither. */
    public Document get(String idOrName) {
        return find(idOrName).orElseThrow(() -> new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION));
    }

    public Optional<Document> find(String idOrName) {
        if (idOrName == null || idOrName.isEmpty() || idOrName.length() > 100) {
            return Optional.empty();
        }
        if (ObjectId.isValid(idOrName)) {
            Optional<Document> byId = store.byId(new ObjectId(idOrName));
            if (byId.isPresent()) {
                return byId;
            }
        }
        return byName(idOrName);
    }

    public Optional<Document> byId(ObjectId id) {
        return store.byId(id);
    }

    public Optional<Document> byName(String name) {
        return store.byName(name);
    }

    /** Resolves every output with the inputs (checked against the declared types first). */
    public Map<String, String> resolve(Document template, Map<String, Object> inputs, String language) {
        Map<String, Object> safeInputs = inputs == null ? Map.of() : inputs;
        TypeChecks.checkV2Inputs(Wire.map(template.get("inputs")), safeInputs);
        return handlebars.render(outputs(template), safeInputs, language, TemplatesV1.localizations(template));
    }

    static Map<String, String> outputs(Document template) {
        Map<String, String> outputs = new LinkedHashMap<>();
        Map<String, Object> stored = Wire.map(template.get("outputs"));
        if (stored != null) {
            stored.forEach((k, v) -> outputs.put(k, String.valueOf(v)));
        }
        return outputs;
    }

    private void apply(Body body, Document doc, boolean create) {
        String name = body.text("name", create, 100);
        if (name != null) {
            if (!NAME.matcher(name).matches()) {
                throw Body.invalid("name", "may only hold letters, digits, '_', '-' and '.' (at most 100)");
            }
            doc.put("name", name);
        }
        if (body.has("description")) {
            doc.put("description", body.string("description", false, TemplatesV1.MAX_DESCRIPTION));
        }
        if (body.has("inputs")) {
            Map<String, Object> inputs = body.object("inputs", false);
            if (inputs != null) {
                TypeChecks.checkV2Inputs(inputs);
            }
            doc.put("inputs", inputs);
        }
        JsonNode outputsNode = body.objectNode("outputs", create);
        if (outputsNode != null) {
            Map<String, String> outputs = new LinkedHashMap<>();
            long size = 0;
            for (Map.Entry<String, JsonNode> e : outputsNode.properties()) {
                Values.checkKey("outputs", e.getKey());
                if (!e.getValue().isString()) {
                    throw Body.invalid("outputs." + e.getKey(), "must be a string");
                }
                outputs.put(e.getKey(), e.getValue().asString());
                size += e.getValue().asString().length();
            }
            if (size > properties.templates().maxSourceSize().toBytes()) {
                throw Body.invalid("outputs", "are larger than " + properties.templates().maxSourceSize().toBytes()
                        + " characters together");
            }
            handlebars.check(outputs);
            doc.put("outputs", outputs);
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
        Wire.put(out, "inputs", doc.get("inputs"));
        Wire.put(out, "outputs", doc.get("outputs"));
        Wire.put(out, "localizations", doc.get("localizations"));
        Wire.put(out, "creationTimestamp", Wire.millis(doc.get("creationTimestamp")));
        Wire.put(out, "updateTimestamp", Wire.millis(doc.get("updateTimestamp")));
        return out;
    }
}

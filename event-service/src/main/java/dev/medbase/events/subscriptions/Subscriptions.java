package dev.medbase.events.subscriptions;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

import dev.medbase.events.web.Bson;
import dev.medbase.events.web.JsonBody;
import dev.medbase.platform.rql.FieldType;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlPaging;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.rql.RqlTranslator;

/**
 * Event subscriptions (contract §10, NICE): the register Extra Horizon services kept of which event types they
 * consume. In Medbase services consume Kafka topics directly, so a subscription is a record and nothing more; the SDK
 * marks creating them deprecated ("managed by the system"). Stored in {@code subscriptions} as
 * {@code {_id, service: {name, version: {major, minor, patch}}, event_types, retriable?, creation_timestamp,
 * update_timestamp}}.
 */
@Component
public class Subscriptions {

    static final String COLLECTION = "subscriptions";

    static final RqlTranslator RQL = RqlTranslator.builder()
            .field("id", "_id", FieldType.OBJECT_ID)
            .field("service")
            .field("service.name", FieldType.STRING)
            .field("event_types", FieldType.STRING)
            .field("retriable", FieldType.BOOLEAN)
            .field("creation_timestamp", FieldType.DATE)
            .field("update_timestamp", FieldType.DATE)
            .camelCaseAliases()
            .build();

    private final MongoTemplate mongo;
    private final Clock clock;

    public Subscriptions(MongoTemplate mongo, Clock clock) {
        this.mongo = mongo;
        this.clock = clock;
    }

    public PageEnvelope<Map<String, Object>> find(RqlQuery rql) {
        Query query = RQL.toQuery(rql);
        return RqlPaging.find(mongo, query, rql, Document.class, COLLECTION, Subscriptions::wire);
    }

    /** {@code {service: {name, version: {major, minor, patch}}, event_types: [string], retriable?}}. */
    public Map<String, Object> create(JsonNode requestBody) {
        JsonBody body = JsonBody.of(requestBody).allowOnly("service", "event_types", "eventTypes", "retriable");
        JsonBody service = body.requiredBody("service").allowOnly("name", "version");
        String name = service.requiredText("name", 200);
        JsonBody version = service.requiredBody("version").allowOnly("major", "minor", "patch");
        Document versionDocument = new Document();
        for (String part : List.of("major", "minor", "patch")) {
            versionDocument.append(part, version.optionalInt(part, 0, Integer.MAX_VALUE)
                    .orElseThrow(() -> version.missing(part)));
        }
        String typesField = body.contains("eventTypes") && !body.contains("event_types") ? "eventTypes" : "event_types";
        List<String> types = body.optionalTextList(typesField, 1000, 200)
                .orElseThrow(() -> body.missing("event_types"));
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Document document = new Document("_id", new ObjectId())
                .append("service", new Document("name", name).append("version", versionDocument))
                .append("event_types", types)
                .append("creation_timestamp", Date.from(now))
                .append("update_timestamp", Date.from(now));
        body.optionalBoolean("retriable").ifPresent(r -> document.append("retriable", r));
        mongo.insert(document, COLLECTION);
        return wire(document);
    }

    static Map<String, Object> wire(Document stored) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String key : List.of("_id", "service", "event_types", "retriable", "creation_timestamp",
                "update_timestamp")) {
            if (stored.containsKey(key)) {
                out.put(key.equals("_id") ? "id" : key, Bson.toJson(stored.get(key)));
            }
        }
        return out;
    }
}

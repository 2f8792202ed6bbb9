package dev.medbase.users.settings;

import java.util.Map;

import org.bson.Document;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

/**
 * Run-time settings of the service, one document per kind in the collection {@code settings}:
 * <pre>
 * { _id: "verification",    enable_pin_code_activation_requests, enable_pin_code_forgot_password_requests,
 *                           limit_hash_activation_requests, limit_hash_forgot_password_requests }
 * { _id: "email_templates", activation_email_template_id | activation_email_template_name, … }
 * { _id: "password_policy", minimum_length, maximum_length, upper_case_required, lower_case_required,
 *                           symbol_required, number_required }
 * </pre>
 * Absent keys mean "the default" (configured in {@code medbase.users.defaults}). Updates are single atomic upserts.
 */
@Component
public class SettingsStore {

    public static final String COLLECTION = "settings";

    private final MongoTemplate mongo;

    public SettingsStore(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    /** The stored document, or an empty one. */
    public Document get(String id) {
        Document doc = mongo.findById(id, Document.class, COLLECTION);
        return doc == null ? new Document() : doc;
    }

    /** Sets the given keys (a null value unsets the key) and returns the document as it is now. */
    public Document update(String id, Map<String, Object> changes) {
        Update update = new Update().setOnInsert("_id", id);
        boolean any = false;
        for (Map.Entry<String, Object> e : changes.entrySet()) {
            if (e.getValue() == null) {
                update.unset(e.getKey());
            } else {
                update.set(e.getKey(), e.getValue());
            }
            any = true;
        }
        if (!any) {
            return get(id);
        }
        Document doc = mongo.findAndModify(Query.query(Criteria.where("_id").is(id)), update,
                FindAndModifyOptions.options().upsert(true).returnNew(true), Document.class, COLLECTION);
        return doc == null ? get(id) : doc;
    }
}

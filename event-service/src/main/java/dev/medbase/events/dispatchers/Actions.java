package dev.medbase.events.dispatchers;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.bson.Document;
import org.bson.types.ObjectId;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.medbase.events.web.Bson;
import dev.medbase.events.web.JsonBody;

/**
 * The actions of a dispatcher (the SDK's {@code MailAction} and {@code TaskAction}), read from request bodies and
 * written back to the wire. Stored inside the dispatcher as
 * <pre>
 * {_id, type: "mail", name?, description?, recipients: {to: [..], cc?: [..], bcc?: [..]}, templateId: ObjectId}
 * {_id, type: "task", name?, description?, functionName, data?: {..}, tags?: [..], startTimestamp?: Date, priority?}
 * </pre>
 * A recipient is an e-mail address or {@code $content.<path>}: the address (or list of addresses) at that path of the
 * event's content, e.g. {@code $content.email} (a Medbase extension: recipients from the event).
 */
final class Actions {

    static final String MAIL = "mail";
    static final String TASK = "task";
    static final int MAX_RECIPIENTS = 50;
    static final int MAX_DATA_BYTES = 100 * 1024;

    private static final Set<String> COMMON = Set.of("type", "name", "description");
    private static final Set<String> MAIL_FIELDS = Set.of("recipients", "templateId");
    private static final Set<String> TASK_FIELDS = Set.of("functionName", "data", "tags", "startTimestamp", "priority");
    private static final Pattern ADDRESS = Pattern.compile("[^\\s@]+@[^\\s@]+");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$content(\\.[A-Za-z0-9_$-]+)+");
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final JsonMapper json;

    Actions(JsonMapper json) {
        this.json = json;
    }

    /** A new action from its creation body. */
    Document create(JsonBody body) {
        String type = type(body);
        Document action = new Document("_id", new ObjectId()).append("type", type);
        apply(action, body, type);
        requireComplete(action, body);
        return action;
    }

    /** The action after a partial update (fields given replace, null unsets optional ones); the type stays. */
    Document update(Document existing, JsonBody body) {
        String type = existing.getString("type");
        if (body.contains("type") && !type.equals(body.optionalText("type", 10).orElse(null))) {
            throw body.invalid("Field 'type' cannot be changed (this is a " + type + " action)");
        }
        Document action = new Document(existing);
        apply(action, body, type);
        requireComplete(action, body);
        return action;
    }

    private static String type(JsonBody body) {
        String type = body.requiredText("type", 10);
        if (!type.equals(MAIL) && !type.equals(TASK)) {
            throw body.invalid("Field '" + body.path("type") + "' must be 'mail' or 'task'");
        }
        return type;
    }

    private void apply(Document action, JsonBody body, String type) {
        Set<String> allowed = new java.util.HashSet<>(COMMON);
        allowed.addAll(type.equals(MAIL) ? MAIL_FIELDS : TASK_FIELDS);
        body.allowOnly(allowed.toArray(String[]::new));
        setText(action, body, "name", 200);
        setText(action, body, "description", 2000);
        if (type.equals(MAIL)) {
            if (body.contains("templateId")) {
                set(action, "templateId", body.optionalObjectId("templateId").orElse(null));
            }
            if (body.contains("recipients")) {
                set(action, "recipients", body.optionalBody("recipients").map(Actions::recipients).orElse(null));
            }
        } else {
            setText(action, body, "functionName", 200);
            if (body.contains("data")) {
                set(action, "data", body.optionalObject("data").map(d -> data(body, d)).orElse(null));
            }
            if (body.contains("tags")) {
                set(action, "tags", body.optionalTextList("tags", 50, 100).orElse(null));
            }
            if (body.contains("startTimestamp")) {
                set(action, "startTimestamp", body.optionalTimestamp("startTimestamp").map(Date::from).orElse(null));
            }
            if (body.contains("priority")) {
                set(action, "priority", body.optionalInt("priority", -1_000_000, 1_000_000).orElse(null));
            }
        }
    }

    private static void requireComplete(Document action, JsonBody body) {
        if (MAIL.equals(action.getString("type"))) {
            if (!action.containsKey("templateId")) {
                throw body.missing("templateId");
            }
            if (!action.containsKey("recipients")) {
                throw body.missing("recipients");
            }
        } else if (!action.containsKey("functionName")) {
            throw body.missing("functionName");
        }
    }

    private static Document recipients(JsonBody recipients) {
        recipients.allowOnly("to", "cc", "bcc");
        Document out = new Document();
        for (String field : List.of("to", "cc", "bcc")) {
            List<String> list = recipients.optionalTextList(field, MAX_RECIPIENTS, 254).orElse(null);
            if (list == null) {
                if (field.equals("to")) {
                    throw recipients.missing("to");
                }
                continue;
            }
            if (field.equals("to") && list.isEmpty()) {
                throw recipients.invalid("Field '" + recipients.path("to") + "' needs at least one recipient");
            }
            for (String recipient : list) {
                if (!ADDRESS.matcher(recipient).matches() && !PLACEHOLDER.matcher(recipient).matches()) {
                    throw recipients.invalid("Field '" + recipients.path(field) + "' holds '" + recipient
                            + "', which is neither an e-mail address nor $content.<path>");
                }
            }
            out.append(field, list);
        }
        return out;
    }

    private Document data(JsonBody body, JsonNode data) {
        int size = json.writeValueAsString(data).getBytes(StandardCharsets.UTF_8).length;
        if (size > MAX_DATA_BYTES) {
            throw body.invalid("Field '" + body.path("data") + "' is " + size + " bytes of JSON; the limit is "
                    + MAX_DATA_BYTES);
        }
        return Bson.document(json.convertValue(data, MAP));
    }

    private static void setText(Document action, JsonBody body, String field, int maxLength) {
        if (body.contains(field)) {
            set(action, field, body.optionalText(field, maxLength).orElse(null));
        }
    }

    private static void set(Document action, String field, Object value) {
        if (value == null) {
            action.remove(field);
        } else {
            action.put(field, value);
        }
    }

    /** The wire form: {@code id} first, timestamps as ISO-8601, custom {@code data} as stored. */
    static Map<String, Object> wire(Document action) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", action.getObjectId("_id").toHexString());
        for (String field : List.of("type", "name", "description", "recipients", "templateId", "functionName",
                "data", "tags", "startTimestamp", "priority")) {
            Object value = action.get(field);
            if (value instanceof Date date) {
                out.put(field, Bson.iso(date));
            } else if (value != null) {
                out.put(field, Bson.toJson(value));
            }
        }
        return out;
    }
}

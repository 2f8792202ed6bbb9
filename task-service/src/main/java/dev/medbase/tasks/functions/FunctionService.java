package dev.medbase.tasks.functions;

import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.bson.Document;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.rql.FieldType;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlPaging;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.rql.RqlTranslator;
import dev.medbase.tasks.executors.CodePackage;
import dev.medbase.tasks.executors.Executors;
import dev.medbase.tasks.executors.ProcessExecutor;
import dev.medbase.tasks.support.Body;
import dev.medbase.tasks.support.Wire;

/**
 * Function definitions (collection {@code functions}, {@code _id} = name; contract §9.1): the base64 code is stored
 * with its SHA-256 ({@code codeHash}, the version executors cache by) and never returned.
 */
@Service
public class FunctionService {

    public static final String COLLECTION = "functions";
    private static final Set<String> FIELDS = Set.of("name", "description", "entryPoint", "runtime", "timeLimit",
            "memoryLimit", "environmentVariables", "executionOptions", "retryPolicy", "code", "enabled");
    private static final RqlTranslator RQL = RqlTranslator.builder()
            .field("name", "_id", FieldType.STRING)
            .field("description", FieldType.STRING)
            .field("runtime", FieldType.STRING)
            .field("enabled", FieldType.BOOLEAN)
            .field("updateTimestamp", FieldType.DATE)
            .field("creationTimestamp", FieldType.DATE)
            .build();

    static final Duration CACHE_TTL = Duration.ofSeconds(1);
    static final int CACHE_MAX_CODE = 256 * 1024;
    static final int CACHE_MAX_ENTRIES = 1024;

    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final MongoTemplate mongo;
    private final Executors executors;
    private final Clock clock;

    public FunctionService(MongoTemplate mongo, Executors executors, Clock clock) {
        this.mongo = mongo;
        this.executors = executors;
        this.clock = clock;
    }

    public Optional<FunctionDef> find(String name) {
        Document d = mongo.findById(name, Document.class, COLLECTION);
        Optional<FunctionDef> found = Optional.ofNullable(d).map(FunctionDef::from);
        remember(name, found);
        return found;
    }

    /**
     * The definition as read at most {@link #CACHE_TTL} ago, for the queue worker (one read per task otherwise): a
     * change made through another replica reaches tasks claimed here within that time; through this one, at once.
     * Definitions with more than {@link #CACHE_MAX_CODE} characters of code are read each time, so the cache stays
     * small.
     */
    public Optional<FunctionDef> cached(String name) {
        Cached hit = cache.get(name);
        if (hit != null && System.nanoTime() - hit.readAt() < CACHE_TTL.toNanos()) {
            return hit.def();
        }
        return find(name);
    }

    private void remember(String name, Optional<FunctionDef> def) {
        if (def.map(f -> f.code() != null && f.code().length() > CACHE_MAX_CODE).orElse(false)) {
            cache.remove(name);
            return;
        }
        if (cache.size() >= CACHE_MAX_ENTRIES) {
            cache.clear(); // tasks naming many unknown functions must not grow it without bound
        }
        cache.put(name, new Cached(def, System.nanoTime()));
    }

    private record Cached(Optional<FunctionDef> def, long readAt) {
    }

    public FunctionDef require(String name) {
        return find(name).orElseThrow(() -> new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION,
                "Function '" + name + "' is unknown"));
    }

    public Map<String, Object> create(JsonNode json) {
        Body body = Body.of(json).allowOnly(FIELDS);
        String name = body.requiredText("name");
        validName(name);
        Document doc = new Document("_id", name);
        apply(body, doc, true);
        Date now = Date.from(clock.instant());
        doc.put("creationTimestamp", now);
        doc.put("updateTimestamp", now);
        try {
            mongo.insert(doc, COLLECTION);
            cache.remove(name);
        } catch (DuplicateKeyException e) {
            throw new ExhException(ExhError.RESOURCE_ALREADY_EXISTS_EXCEPTION, "Function '" + name + "' exists");
        }
        return details(doc);
    }

    public Map<String, Object> update(String name, JsonNode json) {
        Body body = Body.of(json).allowOnly(FIELDS);
        Document doc = mongo.findById(name, Document.class, COLLECTION);
        if (doc == null) {
            throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "Function '" + name + "' is unknown");
        }
        if (body.present("name") && !name.equals(body.text("name"))) {
            throw new ExhException(ExhError.INVALID_FUNCTION_PARAMETER, "A function cannot be renamed");
        }
        apply(body, doc, false);
        doc.put("updateTimestamp", Date.from(clock.instant()));
        mongo.save(doc, COLLECTION);
        cache.remove(name);
        return Wire.affected(1);
    }

    public Map<String, Object> setEnabled(String name, boolean enabled) {
        long n = mongo.updateFirst(Query.query(Criteria.where("_id").is(name)),
                new Update().set("enabled", enabled).set("updateTimestamp", Date.from(clock.instant())),
                COLLECTION).getMatchedCount();
        cache.remove(name);
        if (n == 0) {
            throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "Function '" + name + "' is unknown");
        }
        return Wire.affected(n);
    }

    public Map<String, Object> remove(String name) {
        long n = mongo.remove(Query.query(Criteria.where("_id").is(name)), COLLECTION).getDeletedCount();
        cache.remove(name);
        if (n == 0) {
            throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "Function '" + name + "' is unknown");
        }
        return Wire.affected(n);
    }

    public PageEnvelope<Map<String, Object>> list(RqlQuery rql) {
        Query query = RQL.toQuery(rql);
        query.fields().exclude("code");
        return RqlPaging.find(mongo, query, rql, Document.class, COLLECTION, d -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("name", d.getString("_id"));
            out.put("description", d.getString("description"));
            out.put("updateTimestamp", Wire.iso(d.getDate("updateTimestamp")));
            return out;
        });
    }

    public Map<String, Object> details(String name) {
        Document doc = mongo.findById(name, Document.class, COLLECTION);
        if (doc == null) {
            throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "Function '" + name + "' is unknown");
        }
        return details(doc);
    }

    static Map<String, Object> details(Document d) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", d.getString("_id"));
        if (d.getString("description") != null) {
            out.put("description", d.getString("description"));
        }
        out.put("entryPoint", d.getString("entryPoint"));
        out.put("runtime", d.getString("runtime"));
        out.put("timeLimit", d.getInteger("timeLimit"));
        out.put("memoryLimit", d.getInteger("memoryLimit"));
        out.put("environmentVariables", Wire.plain(d.get("environmentVariables")));
        out.put("executionOptions", Wire.plain(d.get("executionOptions")));
        out.put("retryPolicy", Wire.plain(d.get("retryPolicy")));
        out.put("enabled", d.getBoolean("enabled"));
        out.put("updateTimestamp", Wire.iso(d.getDate("updateTimestamp")));
        return out;
    }

    static void validName(String name) {
        if (!name.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new ExhException(ExhError.INVALID_FUNCTION_NAME,
                    "A function name is 1-64 letters, digits, '-' or '_'");
        }
    }

    /** Validates the given fields onto the stored document; on creation fills the defaults. */
    private void apply(Body body, Document doc, boolean creation) {
        if (body.present("description") || creation) {
            put(doc, "description", body.text("description"));
        }
        String runtime = body.present("runtime") ? body.text("runtime") : doc.getString("runtime");
        String entryPoint = body.present("entryPoint") ? body.text("entryPoint") : doc.getString("entryPoint");
        if (runtime == null) {
            throw Body.missing("runtime");
        }
        if (entryPoint == null) {
            throw Body.missing("entryPoint");
        }
        doc.put("runtime", runtime);
        doc.put("entryPoint", entryPoint);
        doc.put("timeLimit", range(body, "timeLimit", 3, 300, doc.getInteger("timeLimit", 3)));
        doc.put("memoryLimit", range(body, "memoryLimit", 128, 10240, doc.getInteger("memoryLimit", 128)));
        if (body.present("environmentVariables") || creation) {
            doc.put("environmentVariables", environment(body.object("environmentVariables")));
        }
        if (body.present("executionOptions") || creation) {
            doc.put("executionOptions", executionOptions(body.object("executionOptions")));
        }
        if (body.present("retryPolicy") || creation) {
            doc.put("retryPolicy", retryPolicy(body.object("retryPolicy")));
        }
        if (body.present("enabled") || creation) {
            doc.put("enabled", body.bool("enabled") == null || body.bool("enabled"));
        }
        String code = body.present("code") ? body.text("code") : doc.getString("code");
        var executor = executors.find(runtime).orElseThrow(() -> new ExhException(
                ExhError.INVALID_FUNCTION_PARAMETER, "Runtime '" + runtime + "' is not supported"));
        if (creation || body.present("code") || body.present("runtime") || body.present("entryPoint")) {
            executor.validate(runtime, entryPoint, code == null ? null : CodePackage.decode(code));
        }
        if (code != null) {
            doc.put("code", code);
            doc.put("codeHash", ProcessExecutor.sha256(code));
        }
    }

    private static void put(Document doc, String key, Object value) {
        if (value == null) {
            doc.remove(key);
        } else {
            doc.put(key, value);
        }
    }

    private static int range(Body body, String field, int min, int max, int fallback) {
        Integer v = body.integer(field);
        if (v == null) {
            return fallback;
        }
        if (v < min || v > max) {
            throw new ExhException(ExhError.INVALID_FUNCTION_PARAMETER,
                    "Field '" + field + "' must be between " + min + " and " + max);
        }
        return v;
    }

    private static Document environment(ObjectNode vars) {
        Document out = new Document();
        if (vars == null) {
            return out;
        }
        for (Map.Entry<String, JsonNode> e : vars.properties()) {
            if (!e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw Body.format("environmentVariables", "has an invalid variable name '" + e.getKey() + "'");
            }
            JsonNode value = e.getValue().isObject() ? e.getValue().get("value") : null;
            if (value == null || !(value.isString() || value.isNumber() || value.isBoolean())) {
                throw Body.format("environmentVariables." + e.getKey(), "must be {\"value\": \"…\"}");
            }
            out.put(e.getKey(), new Document("value", value.asString()));
        }
        return out;
    }

    private static Document executionOptions(ObjectNode options) {
        Body b = options == null ? null : Body.of(options).allowOnly(Set.of("permissionMode", "defaultPriority"));
        String mode = b == null || b.text("permissionMode") == null ? "permissionRequired" : b.text("permissionMode");
        if (!List.of("permissionRequired", "allUsers", "public").contains(mode)) {
            throw Body.format("executionOptions.permissionMode",
                    "must be one of permissionRequired, allUsers, public");
        }
        Document out = new Document("permissionMode", mode);
        Integer priority = b == null ? null : b.integer("defaultPriority");
        if (priority != null) {
            out.put("defaultPriority", priority);
        }
        return out;
    }

    private static Document retryPolicy(ObjectNode policy) {
        Body b = policy == null ? null : Body.of(policy).allowOnly(Set.of("enabled", "errorsToRetry"));
        boolean enabled = b != null && Boolean.TRUE.equals(b.bool("enabled"));
        List<String> errors = b == null || b.strings("errorsToRetry") == null ? List.of() : b.strings("errorsToRetry");
        return new Document("enabled", enabled).append("errorsToRetry", errors);
    }
}

package dev.medbase.files.settings;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.bson.Document;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.util.InvalidMimeTypeException;
import org.springframework.util.MimeType;
import org.springframework.util.MimeTypeUtils;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.events.EventPublisher;

/**
 * The service settings (contract §8 rows 9–10): one document {@code {_id: "settings",
 * disableForceDownloadForMimeTypes: [string], updateTimestamp: Date}} in collection {@code settings}, created with an
 * empty list on first read.
 */
public class FileSettings {

    static final String COLLECTION = "settings";
    static final String ID = "settings";
    static final String FIELD = "disableForceDownloadForMimeTypes";
    static final int MAX_TYPES = 1000;

    /** What {@code GET /files/v1/settings} answers. */
    public record Settings(List<String> disableForceDownloadForMimeTypes, Instant updateTimestamp) {
    }

    private final MongoTemplate mongo;
    private final EventPublisher events;

    public FileSettings(MongoTemplate mongo, EventPublisher events) {
        this.mongo = mongo;
        this.events = events;
    }

    public Settings get() {
        Document doc = mongo.findById(ID, Document.class, COLLECTION);
        if (doc == null) {
            try {
                mongo.insert(new Document("_id", ID).append(FIELD, List.of())
                        .append("updateTimestamp", Date.from(Instant.now().truncatedTo(ChronoUnit.MILLIS))), COLLECTION);
            } catch (DuplicateKeyException e) {
                // created concurrently
            }
            doc = mongo.findById(ID, Document.class, COLLECTION);
        }
        List<String> types = doc.getList(FIELD, String.class);
        return new Settings(types == null ? List.of() : List.copyOf(types), doc.getDate("updateTimestamp").toInstant());
    }

    /** Replaces the list; every entry must be a MIME type ({@code type/subtype}, wildcards allowed). */
    public void update(List<?> types) {
        if (types == null) {
            throw new ExhException(ExhError.MISSING_REQUIRED_FIELDS_EXCEPTION,
                    "disableForceDownloadForMimeTypes is required");
        }
        if (types.size() > MAX_TYPES) {
            throw new ExhException(ExhError.FIELD_FORMAT_EXCEPTION,
                    "disableForceDownloadForMimeTypes can have at most " + MAX_TYPES + " entries");
        }
        List<String> normalised = new ArrayList<>();
        for (Object type : types) {
            if (!(type instanceof String text) || text.length() > 255) {
                throw new ExhException(ExhError.FIELD_FORMAT_EXCEPTION,
                        "disableForceDownloadForMimeTypes must be a list of MIME types");
            }
            try {
                MimeType parsed = MimeTypeUtils.parseMimeType(text.trim());
                normalised.add((parsed.getType() + "/" + parsed.getSubtype()).toLowerCase(Locale.ROOT));
            } catch (InvalidMimeTypeException e) {
                throw new ExhException(ExhError.FIELD_FORMAT_EXCEPTION, "'" + text + "' is not a MIME type");
            }
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        mongo.upsert(Query.query(Criteria.where("_id").is(ID)),
                new Update().set(FIELD, normalised).set("updateTimestamp", Date.from(now)), COLLECTION);
        events.publish("file_settings_updated", ID, Map.of(FIELD, normalised));
    }

    /** Whether a file of this MIME type is served without {@code Content-Disposition: attachment}. */
    public boolean inlineAllowed(String mimetype) {
        MimeType type;
        try {
            type = MimeTypeUtils.parseMimeType(mimetype);
        } catch (InvalidMimeTypeException e) {
            return false;
        }
        for (String allowed : get().disableForceDownloadForMimeTypes()) {
            try {
                if (MimeTypeUtils.parseMimeType(allowed).includes(type)) {
                    return true;
                }
            } catch (InvalidMimeTypeException e) {
                // stored by an older version: ignore
            }
        }
        return false;
    }
}

package dev.medbase.mail.templates;

import java.util.Map;
import java.util.Optional;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.stereotype.Component;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/**
 * Template resolution for mails (contract §11.1, templates-service v2 migration guide): a template id or name is
 * looked up among v2 templates first, then v1; the content is the v2 {@code inputs} / the v1 {@code $content}.
 */
@Component
public class TemplateResolver {

    /** A resolved template: which one, and its outputs (v2) or fields (v1). */
    public record Resolved(String version, String id, String name, Map<String, String> outputs) {
    }

    private final TemplatesV1 v1;
    private final TemplatesV2 v2;

    public TemplateResolver(TemplatesV1 v1, TemplatesV2 v2) {
        this.v1 = v1;
        this.v2 = v2;
    }

    /** The template by id (v2, then v1) or name (v2, then v1); 16 when there is none. */
    public Resolved resolve(String templateId, String templateName, Map<String, Object> content, String language) {
        if (templateId != null) {
            if (!ObjectId.isValid(templateId)) {
                throw new ExhException(ExhError.ID_FORMAT_EXCEPTION, "'template_id' must be a 24-character hexadecimal id");
            }
            ObjectId id = new ObjectId(templateId);
            Optional<Document> t2 = v2.byId(id);
            if (t2.isPresent()) {
                return new Resolved("v2", templateId, t2.get().getString("name"), v2.resolve(t2.get(), content, language));
            }
            Optional<Document> t1 = v1.byId(id);
            if (t1.isPresent()) {
                return new Resolved("v1", templateId, t1.get().getString("name"), v1.resolve(t1.get(), content, language));
            }
            throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "Template " + templateId + " is unknown");
        }
        Optional<Document> t2 = v2.byName(templateName);
        if (t2.isPresent()) {
            return new Resolved("v2", t2.get().getObjectId("_id").toHexString(), templateName,
                    v2.resolve(t2.get(), content, language));
        }
        Optional<Document> t1 = v1.byName(templateName);
        if (t1.isPresent()) {
            return new Resolved("v1", t1.get().getObjectId("_id").toHexString(), templateName,
                    v1.resolve(t1.get(), content, language));
        }
        throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION, "No template is named '"
                + (templateName.length() > 100 ? templateName.substring(0, 100) + "…" : templateName) + "'");
    }
}

package dev.medbase.mail.templates;

import java.util.Map;

import org.bson.Document;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

import dev.medbase.mail.web.Body;
import dev.medbase.platform.openapi.AffectedRecordsDoc;
import dev.medbase.platform.openapi.ApiBody;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.security.Caller;
import dev.medbase.platform.web.ServiceHealthController;

/**
 * {@code /templates/v1} (contract §11.2) and {@code /templates/v2} (§11.3). Permissions: {@code VIEW_TEMPLATES},
 * {@code CREATE_TEMPLATES}, {@code UPDATE_TEMPLATES}, {@code DELETE_TEMPLATES}; resolving a v1 template needs a
 * signed-in user ("everyone" in Extra Horizon's documentation), a v2 template {@code RESOLVE_TEMPLATES} or
 * {@code RESOLVE_TEMPLATES:<name>}.
 */
@RestController
class TemplatesController {

    private final TemplatesV1 v1;
    private final TemplatesV2 v2;
    private final PdfRenderer pdf;

    TemplatesController(TemplatesV1 v1, TemplatesV2 v2, PdfRenderer pdf) {
        this.v1 = v1;
        this.v2 = v2;
        this.pdf = pdf;
    }

    // ------------------------------------------------------------------ v1

    @ApiBody(response = ServiceHealthController.Health.class)
    @GetMapping({"/templates/v1/health", "/templates/v2/health"})
    Map<String, String> health() {
        return Map.of("status", "UP");
    }

    @ApiBody(page = TemplateDocs.TemplateV1.class)
    @GetMapping("/templates/v1")
    PageEnvelope<Map<String, Object>> findV1(Caller caller, RqlQuery rql) {
        caller.requirePermission("VIEW_TEMPLATES");
        return v1.find(rql);
    }

    @ApiBody(request = TemplateDocs.NewTemplateV1.class, response = TemplateDocs.TemplateV1.class)
    @PostMapping("/templates/v1")
    Map<String, Object> createV1(Caller caller, @RequestBody(required = false) JsonNode body) {
        caller.requirePermission("CREATE_TEMPLATES");
        return v1.create(body);
    }

    @ApiBody(request = TemplateDocs.NewTemplateV1.class, response = TemplateDocs.TemplateV1.class)
    @PutMapping("/templates/v1/{templateId}")
    Map<String, Object> updateV1(Caller caller, @PathVariable String templateId,
                                 @RequestBody(required = false) JsonNode body) {
        caller.requirePermission("UPDATE_TEMPLATES");
        return v1.update(templateId, body);
    }

    @ApiBody(response = AffectedRecordsDoc.class)
    @DeleteMapping("/templates/v1/{templateId}")
    Map<String, Object> deleteV1(Caller caller, @PathVariable String templateId) {
        caller.requirePermission("DELETE_TEMPLATES");
        return v1.delete(templateId);
    }

    @ApiBody(request = TemplateDocs.ResolveV1.class, response = TemplateDocs.Resolved.class)
    @PostMapping({"/templates/v1/{templateId}/resolve", "/templates/v1/{templateId}/resolve/{localizationCode}"})
    Map<String, String> resolveV1(Caller caller, @PathVariable String templateId,
                                  @PathVariable(required = false) String localizationCode,
                                  @RequestBody(required = false) JsonNode body) {
        caller.requireUser();
        return resolve(templateId, localizationCode, body);
    }

    @ApiBody(request = TemplateDocs.ResolveV1.class)
    @PostMapping(value = {"/templates/v1/{templateId}/pdf", "/templates/v1/{templateId}/pdf/{localizationCode}"})
    ResponseEntity<byte[]> pdfV1(Caller caller, @PathVariable String templateId,
                                 @PathVariable(required = false) String localizationCode,
                                 @RequestBody(required = false) JsonNode body) {
        caller.requireUser();
        Map<String, String> fields = resolve(templateId, localizationCode, body);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_PDF).body(pdf.render(fields));
    }

    private Map<String, String> resolve(String templateId, String localizationCode, JsonNode json) {
        Document template = v1.get(templateId);
        Body body = Body.of(json);
        String language = Localizations.language(localizationCode != null ? localizationCode
                : body.string("language", false, 20));
        timeZone(body.string("time_zone", false, 64));
        Map<String, Object> content = body.object("content", true);
        return v1.resolve(template, content, language);
    }

    private static void timeZone(String zone) {
        if (zone != null) {
            try {
                java.time.ZoneId.of(zone);
            } catch (java.time.DateTimeException e) {
                throw Body.invalid("time_zone", "is not a known time zone (e.g. Europe/Brussels)");
            }
        }
    }

    // ------------------------------------------------------------------ v2

    @ApiBody(page = TemplateDocs.TemplateV2.class)
    @GetMapping("/templates/v2")
    PageEnvelope<Map<String, Object>> findV2(Caller caller, RqlQuery rql) {
        caller.requirePermission("VIEW_TEMPLATES");
        return v2.find(rql);
    }

    @ApiBody(request = TemplateDocs.NewTemplateV2.class, response = TemplateDocs.TemplateV2.class)
    @PostMapping("/templates/v2")
    Map<String, Object> createV2(Caller caller, @RequestBody(required = false) JsonNode body) {
        caller.requirePermission("CREATE_TEMPLATES");
        return v2.create(body);
    }

    @ApiBody(request = TemplateDocs.NewTemplateV2.class, response = AffectedRecordsDoc.class)
    @PutMapping("/templates/v2/{templateIdOrName}")
    Map<String, Object> updateV2(Caller caller, @PathVariable String templateIdOrName,
                                 @RequestBody(required = false) JsonNode body) {
        caller.requirePermission("UPDATE_TEMPLATES");
        return v2.update(templateIdOrName, body);
    }

    @ApiBody(response = AffectedRecordsDoc.class)
    @DeleteMapping("/templates/v2/{templateIdOrName}")
    Map<String, Object> deleteV2(Caller caller, @PathVariable String templateIdOrName) {
        caller.requirePermission("DELETE_TEMPLATES");
        return v2.delete(templateIdOrName);
    }

    @ApiBody(request = TemplateDocs.ResolveV2.class, response = TemplateDocs.Resolved.class)
    @PostMapping("/templates/v2/{templateIdOrName}/resolve")
    Map<String, String> resolveV2(Caller caller, @PathVariable String templateIdOrName,
                                  @RequestBody(required = false) JsonNode json) {
        caller.requireUser();
        Document template = v2.get(templateIdOrName);
        caller.requirePermission("RESOLVE_TEMPLATES", template.getString("name"));
        Body body = Body.optional(json);
        String language = Localizations.language(body.string("language", false, 20));
        timeZone(body.string("timeZone", false, 64));
        return v2.resolve(template, body.object("inputs", false), language);
    }
}

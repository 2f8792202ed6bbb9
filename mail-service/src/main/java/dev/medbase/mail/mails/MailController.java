package dev.medbase.mail.mails;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;
import org.bson.Document;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

import dev.medbase.mail.web.Body;
import dev.medbase.mail.web.Wire;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.openapi.AffectedRecordsDoc;
import dev.medbase.platform.openapi.ApiBody;
import dev.medbase.platform.rql.FieldType;
import dev.medbase.platform.rql.PageEnvelope;
import dev.medbase.platform.rql.RqlPaging;
import dev.medbase.platform.rql.RqlQuery;
import dev.medbase.platform.rql.RqlTranslator;
import dev.medbase.platform.security.Caller;

/**
 * {@code /mail/v1} (contract §11.1): send ({@code SEND_MAILS}, or a signed-in, activated user mailing only their
 * own address), the mail log and the queue ({@code VIEW_MAILS}), delete ({@code DELETE_MAILS}; a queued mail is
 * then never sent) and open tracking (public: a 1×1 GIF for mail clients, {@code {affectedRecords}} for JSON
 * clients such as the SDK's {@code mails.track}).
 */
@RestController
class MailController {

    /** A transparent 1×1 GIF. */
    static final byte[] PIXEL = java.util.Base64.getDecoder()
            .decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

    static final RqlTranslator MAILS = RqlTranslator.builder()
            .field("id", "_id", FieldType.OBJECT_ID)
            .field("creator_id", FieldType.OBJECT_ID)
            .field("aws_message_id", FieldType.STRING)
            .field("subject", FieldType.STRING)
            .field("recipients")
            .field("recipients.to", FieldType.STRING)
            .field("recipients.cc", FieldType.STRING)
            .field("recipients.bcc", FieldType.STRING)
            .field("template_id", FieldType.STRING)
            .field("template_name", FieldType.STRING)
            .field("reply_to", FieldType.STRING)
            .field("from", FieldType.STRING)
            .field("body", FieldType.STRING)
            .field("language", FieldType.STRING)
            .field("content")
            .field("views", FieldType.NUMBER)
            .field("status", FieldType.STRING)
            .field("attempts", FieldType.NUMBER)
            .field("error", FieldType.STRING)
            .field("sent_timestamp", FieldType.DATE)
            .field("creation_timestamp", FieldType.DATE)
            .field("update_timestamp", FieldType.DATE)
            .camelCaseAliases()
            .build();

    static final RqlTranslator QUEUED = RqlTranslator.builder()
            .field("id", "_id", FieldType.OBJECT_ID)
            .field("status", FieldType.STRING)
            .field("from", FieldType.STRING)
            .field("to", "recipients.to", FieldType.STRING)
            .field("cc", "recipients.cc", FieldType.STRING)
            .field("bcc", "recipients.bcc", FieldType.STRING)
            .field("replyTo", "reply_to", FieldType.STRING)
            .field("subject", FieldType.STRING)
            .field("attempts", FieldType.NUMBER)
            .field("templateData.templateId", "template_id", FieldType.STRING)
            .field("templateData.templateName", "template_name", FieldType.STRING)
            .field("nextAttemptTimestamp", "next_attempt_at", FieldType.DATE)
            .field("creationTimestamp", "creation_timestamp", FieldType.DATE)
            .field("updateTimestamp", "update_timestamp", FieldType.DATE)
            .build();

    private final MailService mails;
    private final MailStore store;

    MailController(MailService mails, MailStore store) {
        this.mails = mails;
        this.store = store;
    }

    @ApiBody(request = MailDocs.NewMail.class, response = MailDocs.Mail.class)
    @PostMapping("/mail/v1")
    Map<String, Object> send(Caller caller, HttpServletRequest request, @RequestBody(required = false) JsonNode body) {
        return mails.send(caller, bearer(request), body);
    }

    @ApiBody(page = MailDocs.Mail.class)
    @GetMapping("/mail/v1")
    PageEnvelope<Map<String, Object>> find(Caller caller, RqlQuery rql) {
        caller.requirePermission("VIEW_MAILS");
        Query query = MAILS.toQuery(rql);
        if (rql.select().isEmpty()) {
            query.fields().exclude("outbound");
        }
        return RqlPaging.find(store.mongo(), query, rql, Document.class, MailStore.COLLECTION, MailViews::mail);
    }

    @ApiBody(page = MailDocs.QueuedMail.class)
    @GetMapping("/mail/v1/queued")
    PageEnvelope<Map<String, Object>> queued(Caller caller, RqlQuery rql) {
        caller.requirePermission("VIEW_MAILS");
        Query query = QUEUED.toQuery(rql, where("status").in(List.of(MailStore.QUEUED, MailStore.SENDING,
                MailStore.FAILED)));
        if (rql.select().isEmpty()) {
            query.fields().exclude("outbound");
        }
        return RqlPaging.find(store.mongo(), query, rql, Document.class, MailStore.COLLECTION, MailViews::queued);
    }

    @ApiBody(response = AffectedRecordsDoc.class)
    @ApiResponse(responseCode = "200", description = "A 1×1 GIF, or the views so far when the caller accepts JSON",
            content = {@Content(mediaType = MediaType.IMAGE_GIF_VALUE),
                    @Content(mediaType = MediaType.APPLICATION_JSON_VALUE)})
    @GetMapping("/mail/v1/{trackingHash}/open")
    ResponseEntity<?> open(@PathVariable String trackingHash, HttpServletRequest request) {
        long views = trackingHash.matches("^[0-9a-f]{40}$") ? store.countOpen(trackingHash) : 0;
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        if (accept != null && accept.contains(MediaType.APPLICATION_JSON_VALUE)) {
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(Wire.affected(views));
        }
        return ResponseEntity.ok().contentType(MediaType.IMAGE_GIF).cacheControl(CacheControl.noStore()).body(PIXEL);
    }

    @ApiBody(response = AffectedRecordsDoc.class)
    @DeleteMapping("/mail/v1/{mailId}")
    Map<String, Object> delete(Caller caller, @PathVariable String mailId) {
        caller.requirePermission("DELETE_MAILS");
        long n = store.delete(Body.id("mailId", mailId));
        if (n == 0) {
            throw new ExhException(ExhError.RESOURCE_UNKNOWN_EXCEPTION);
        }
        return Wire.affected(n);
    }

    private static String bearer(HttpServletRequest request) {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).trim();
        }
        return null;
    }
}

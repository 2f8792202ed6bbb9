package dev.medbase.mail.mails;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bson.types.ObjectId;

/**
 * A mail to queue, from any origin ({@code api}: {@code POST /mail/v1}; {@code user_flow}: user-service's activation
 * and reset events; {@code dispatcher}: event-service's {@code mail_requested}).
 *
 * @param creatorId   the user who sent it (api), else null
 * @param origin      api, user_flow or dispatcher
 * @param requestKey  unique key of the request that caused it (the event id for event-driven mails): a second
 *                    request with the same key queues nothing, so a redelivered event sends no second mail
 * @param to          recipients, checked
 * @param from        the sender (display-name form allowed)
 * @param subject     the subject as sent
 * @param html        HTML body, or null for a text-only mail
 * @param text        text body (for HTML mails the plain-text alternative)
 * @param logBody     the body as the mail log shows it ({@code body} of the Mail object)
 * @param content     the template content as the mail log shows it, or null
 * @param secrets     values to redact wherever the mail is shown or logged (never in what is sent)
 * @param trackingHash the hash of {@code GET /mail/v1/{trackingHash}/open}
 * @param extra       fields stored as they are (template_id / template_name / language / user_id …)
 */
public record NewMail(
        ObjectId creatorId,
        String origin,
        String requestKey,
        List<String> to,
        List<String> cc,
        List<String> bcc,
        String from,
        List<String> replyTo,
        String subject,
        String html,
        String text,
        String logBody,
        Map<String, Object> content,
        List<Attachment> attachments,
        Set<String> secrets,
        String trackingHash,
        Map<String, Object> extra) {

    /** A decoded attachment. */
    public record Attachment(String filename, String type, byte[] content) {
    }
}

package dev.medbase.mail.mails;

import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Documentation only (OpenAPI, {@code @ApiBody} on {@link MailController}): mails (contract §11.1), snake_case as on
 * the wire ({@code content} is kept verbatim); the queued-mail view is camelCase like the SDK's fixtures. Timestamps
 * are epoch milliseconds. The send example uses the v2 template of {@code TemplateDocs}.
 */
final class MailDocs {

    private MailDocs() {
    }

    @Schema(description = "A plain mail (subject and body) or a templated one (template_id, or template_name of a v2 "
            + "template, with language and content); attachments' content is base64", example = """
            {"recipients": {"to": ["ann@example.com"], "cc": ["carl@example.com"]},
             "template_name": "appointment-reminder", "language": "EN",
             "content": {"first_name": "Ann", "time": "10:30"}, "reply_to": ["support@example.com"]}""")
    record NewMail(Recipients recipients, String subject, String body, String template_id, String template_name,
                   String language, Map<String, Object> content, String from, List<String> reply_to,
                   List<Attachment> attachments) {}

    record Recipients(List<String> to, List<String> cc, List<String> bcc) {}

    record Attachment(String name, @Schema(format = "byte") String content,
                      @Schema(description = "The MIME type") String type) {}

    @Schema(description = "A mail as logged (attachments are not stored)")
    record Mail(String id, String creator_id, String aws_message_id, String subject, Recipients recipients,
                String template_id, String template_name, List<String> reply_to, String from, String body,
                String language, Map<String, Object> content, Integer views,
                @Schema(allowableValues = {"queued", "sending", "sent", "failed"}) String status, Integer attempts,
                String error, Long sent_timestamp, Long creation_timestamp, Long update_timestamp) {}

    @Schema(description = "A mail waiting to be sent (or failed), as the SDK's findOutbound reads it")
    record QueuedMail(String id, String status, String from, List<String> to, List<String> cc, List<String> bcc,
                      List<String> replyTo, String subject, String html, String text,
                      List<QueuedAttachment> attachments, String encoding, String textEncoding,
                      TemplateData templateData, Integer attempts, Long nextAttemptTimestamp, String error,
                      Long creationTimestamp, Long updateTimestamp) {}

    record QueuedAttachment(String filename, String contentType, Long size, String encoding) {}

    record TemplateData(String templateId, String templateName, Map<String, String> credentials, String language,
                        Map<String, Object> content) {}
}

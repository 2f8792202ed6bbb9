package dev.medbase.mail.mails;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bson.Document;

import dev.medbase.mail.web.Wire;

/**
 * Wire shapes (contract §2.4, §11.1). {@code Mail} is snake_case:
 * {@code {id, creator_id, aws_message_id, subject, recipients {to, cc, bcc}, template_id | template_name, reply_to,
 * from, body, language, content, views, creation_timestamp, update_timestamp}} plus Medbase's delivery fields
 * {@code status} (queued | sending | sent | failed), {@code attempts}, {@code error}, {@code sent_timestamp}.
 * {@code aws_message_id} holds the SMTP Message-ID once sent. A QueuedMail is camelCase:
 * {@code {id, status, from, to, cc, bcc, replyTo, subject, text, html, attachments [{filename, contentType, size}],
 * encoding, textEncoding, templateData {templateId | templateName, credentials {userId}, language, content},
 * attempts, nextAttemptTimestamp, error, creationTimestamp}} — attachment bytes are not listed.
 */
public final class MailViews {

    private MailViews() {
    }

    public static Map<String, Object> mail(Document d) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", Wire.hex(d.get("_id")));
        Wire.put(out, "creator_id", Wire.hex(d.get("creator_id")));
        Wire.put(out, "aws_message_id", d.get("aws_message_id"));
        Wire.put(out, "subject", d.get("subject"));
        Document recipients = d.get("recipients", Document.class);
        if (recipients != null) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("to", list(recipients.get("to")));
            r.put("cc", list(recipients.get("cc")));
            r.put("bcc", list(recipients.get("bcc")));
            out.put("recipients", r);
        }
        Wire.put(out, "template_id", d.get("template_id"));
        Wire.put(out, "template_name", d.get("template_name"));
        if (d.containsKey("reply_to")) {
            out.put("reply_to", list(d.get("reply_to")));
        }
        Wire.put(out, "from", d.get("from"));
        Wire.put(out, "body", d.get("body"));
        Wire.put(out, "language", d.get("language"));
        Wire.put(out, "content", d.get("content"));
        Wire.put(out, "views", d.get("views"));
        Wire.put(out, "status", d.get("status"));
        Wire.put(out, "attempts", d.get("attempts"));
        Wire.put(out, "error", d.get("error"));
        Wire.put(out, "sent_timestamp", Wire.millis(d.get("sent_timestamp")));
        Wire.put(out, "creation_timestamp", Wire.millis(d.get("creation_timestamp")));
        Wire.put(out, "update_timestamp", Wire.millis(d.get("update_timestamp")));
        return out;
    }

    public static Map<String, Object> queued(Document d) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", Wire.hex(d.get("_id")));
        Wire.put(out, "status", d.get("status"));
        Wire.put(out, "from", d.get("from"));
        Document recipients = d.get("recipients", Document.class);
        if (recipients != null) {
            out.put("to", list(recipients.get("to")));
            out.put("cc", list(recipients.get("cc")));
            out.put("bcc", list(recipients.get("bcc")));
        }
        if (d.containsKey("reply_to")) {
            out.put("replyTo", list(d.get("reply_to")));
        }
        Wire.put(out, "subject", d.get("subject"));
        String body = d.getString("body");
        boolean html = d.get("template_id") != null || d.get("template_name") != null || HtmlText.looksLikeHtml(body);
        if (html) {
            out.put("html", body);
            out.put("text", HtmlText.toText(body));
        } else {
            Wire.put(out, "text", body);
        }
        List<Map<String, Object>> attachments = new ArrayList<>();
        if (d.get("attachments_meta") instanceof List<?> meta) {
            for (Object o : meta) {
                if (o instanceof Document a) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("filename", a.get("filename"));
                    m.put("contentType", a.get("type"));
                    m.put("size", a.get("size"));
                    m.put("encoding", "base64");
                    attachments.add(m);
                }
            }
        }
        out.put("attachments", attachments);
        out.put("encoding", "utf-8");
        out.put("textEncoding", "quoted-printable");
        Map<String, Object> templateData = new LinkedHashMap<>();
        Wire.put(templateData, "templateId", d.get("template_id"));
        Wire.put(templateData, "templateName", d.get("template_name"));
        Map<String, Object> credentials = new LinkedHashMap<>();
        Wire.put(credentials, "userId", Wire.hex(d.get("creator_id")));
        templateData.put("credentials", credentials);
        Wire.put(templateData, "language", d.get("language"));
        Wire.put(templateData, "content", d.get("content"));
        out.put("templateData", templateData);
        Wire.put(out, "attempts", d.get("attempts"));
        Wire.put(out, "nextAttemptTimestamp", Wire.millis(d.get("next_attempt_at")));
        Wire.put(out, "error", d.get("error"));
        Wire.put(out, "creationTimestamp", Wire.millis(d.get("creation_timestamp")));
        Wire.put(out, "updateTimestamp", Wire.millis(d.get("update_timestamp")));
        return out;
    }

    private static List<Object> list(Object value) {
        return value instanceof List<?> l ? new ArrayList<>(l) : new ArrayList<>();
    }
}

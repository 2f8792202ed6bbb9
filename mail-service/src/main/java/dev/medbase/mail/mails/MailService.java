package dev.medbase.mail.mails;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;

import dev.medbase.mail.MailProperties;
import dev.medbase.mail.templates.Localizations;
import dev.medbase.mail.templates.TemplateResolver;
import dev.medbase.mail.users.UserDirectory;
import dev.medbase.mail.web.Addresses;
import dev.medbase.mail.web.Body;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.security.Caller;

/**
 * Accepting mails: {@code POST /mail/v1} (contract §11.1) and the event-driven mails. A mail is validated, its
 * template resolved (v2 by id or name first, then v1, with the content plus a fresh {@code tracking_hash}) and
 * stored queued in one write before the call returns; {@link MailWorker} sends it.
 */
@Service
public class MailService {

    static final int MAX_SUBJECT = 998;
    static final int MAX_NAME = 255;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MailStore store;
    private final MailWorker worker;
    private final TemplateResolver templates;
    private final UserDirectory users;
    private final MailProperties properties;
    private final Clock clock;

    public MailService(MailStore store, MailWorker worker, TemplateResolver templates, UserDirectory users,
                       MailProperties properties, Clock clock) {
        this.store = store;
        this.worker = worker;
        this.templates = templates;
        this.users = users;
        this.properties = properties;
        this.clock = clock;
    }

    /** A checked send request, before permissions and templates. */
    public record Request(List<String> to, List<String> cc, List<String> bcc, String from, List<String> replyTo,
                          String subject, String body, String templateId, String templateName, String language,
                          Map<String, Object> content, List<NewMail.Attachment> attachments) {
    }

    /** {@code POST /mail/v1}. */
    public Map<String, Object> send(Caller caller, String bearerToken, JsonNode json) {
        caller.requireUser();
        Request request = parse(Body.of(json));
        if (!caller.hasPermission("SEND_MAILS")) {
            requireOwnAddress(bearerToken, request);
        }
        ObjectId creator = ObjectId.isValid(caller.userId()) ? new ObjectId(caller.userId()) : null;
        Document stored = queue(request, creator, "api", null, Set.of(), Map.of());
        return MailViews.mail(stored);
    }

    private void requireOwnAddress(String bearerToken, Request request) {
        if (bearerToken == null) {
            throw new ExhException(ExhError.NO_PERMISSION_EXCEPTION, "Permission SEND_MAILS is required");
        }
        UserDirectory.Me me = users.me(bearerToken);
        String own = me.email().toLowerCase(Locale.ROOT);
        List<String> all = new ArrayList<>(request.to());
        all.addAll(request.cc());
        all.addAll(request.bcc());
        if (!all.stream().allMatch(a -> a.toLowerCase(Locale.ROOT).equals(own))) {
            throw new ExhException(ExhError.NO_PERMISSION_EXCEPTION,
                    "Permission SEND_MAILS is required to mail anyone but yourself");
        }
        if (!me.activated()) {
            throw new ExhException(ExhError.NOT_ACTIVATED_EXCEPTION, "The sender's account is not activated");
        }
    }

    /**
     * Renders (when a template is named) and stores the mail.
     *
     * @param requestKey unique per triggering request (event id), or null
     * @param secrets    values to redact in what is stored for display
     * @param extra      stored beside the mail (user_id, event_id, …)
     */
    public Document queue(Request r, ObjectId creatorId, String origin, String requestKey, Set<String> secrets,
                          Map<String, Object> extra) {
        String trackingHash = HexFormat.of().formatHex(randomBytes(20));
        String subject;
        String html;
        String text;
        String logBody;
        Map<String, Object> fields = new LinkedHashMap<>(extra);
        if (r.templateId() != null || r.templateName() != null) {
            Map<String, Object> content = new LinkedHashMap<>(r.content() == null ? Map.of() : r.content());
            content.put("tracking_hash", trackingHash);
            TemplateResolver.Resolved resolved = templates.resolve(r.templateId(), r.templateName(), content,
                    r.language());
            String body = resolved.outputs().get("body");
            if (body == null) {
                throw new ExhException(ExhError.TEMPLATE_RESOLVING_EXCEPTION,
                        "Template '" + resolved.name() + "' has no 'body' " + (resolved.version().equals("v2")
                                ? "output" : "field"));
            }
            // a subject is text, not HTML: undo the escaping the engines apply ({{x}} in Handlebars)
            subject = resolved.outputs().containsKey("subject") ? HtmlText.unescape(resolved.outputs().get("subject"))
                    : r.subject() == null ? "" : r.subject();
            html = body;
            text = HtmlText.toText(body);
            logBody = body;
            fields.put(r.templateId() != null ? "template_id" : "template_name",
                    r.templateId() != null ? r.templateId() : r.templateName());
        } else {
            subject = r.subject();
            logBody = r.body();
            if (HtmlText.looksLikeHtml(r.body())) {
                html = r.body();
                text = HtmlText.toText(r.body());
            } else {
                html = null;
                text = r.body();
            }
        }
        if (subject != null && subject.length() > MAX_SUBJECT) {
            throw new ExhException(ExhError.TEMPLATE_RESOLVING_EXCEPTION, "The subject is longer than " + MAX_SUBJECT
                    + " characters");
        }
        subject = subject == null ? "" : subject.replaceAll("[\\r\\n]+", " ");
        if (r.language() != null) {
            fields.put("language", r.language());
        }
        long size = (html == null ? 0 : html.length()) + (text == null ? 0 : text.length())
                + r.attachments().stream().mapToLong(a -> a.content().length).sum();
        if (size > properties.maxMessageSize().toBytes()) {
            throw Body.invalid("attachments", "make the mail larger than " + properties.maxMessageSize().toBytes()
                    + " bytes");
        }
        NewMail mail = new NewMail(creatorId, origin, requestKey, r.to(), r.cc(), r.bcc(),
                r.from() == null ? properties.defaultFrom() : r.from(), r.replyTo(), subject, html, text, logBody,
                r.content(), r.attachments(), secrets, trackingHash, fields);
        Document stored = store.insert(mail, clock.instant());
        worker.wakeUp();
        return stored;
    }

    /** Reads and checks a send request (wire: snake_case; camelCase accepted). */
    public Request parse(Body body) {
        JsonNode recipientsNode = body.objectNode("recipients", true);
        Body recipients = Body.of(recipientsNode);
        int max = properties.maxRecipients();
        List<String> to = Addresses.recipients("recipients.to", recipients.strings("to", max + 1, 320));
        List<String> cc = Addresses.recipients("recipients.cc", recipients.strings("cc", max + 1, 320));
        List<String> bcc = Addresses.recipients("recipients.bcc", recipients.strings("bcc", max + 1, 320));
        int total = to.size() + cc.size() + bcc.size();
        if (total == 0) {
            throw Body.missing("recipients.to");
        }
        if (total > max) {
            throw Body.invalid("recipients", "may hold at most " + max + " addresses (to, cc and bcc together); "
                    + "this mail has " + total);
        }
        String from = Addresses.sender("from", body.string("from", false, 320));
        List<String> replyTo = Addresses.recipients("reply_to", body.strings("reply_to", max, 320));
        String templateId = body.text("template_id", false, 24);
        String templateName = body.text("template_name", false, 100);
        if (templateId != null && templateName != null) {
            throw Body.invalid("template_name", "cannot be combined with 'template_id'");
        }
        if (templateId != null) {
            Body.id("template_id", templateId);
        }
        boolean templated = templateId != null || templateName != null;
        String subject = body.string("subject", !templated, MAX_SUBJECT);
        String text = body.string("body", !templated, (int) Math.min(Integer.MAX_VALUE,
                properties.maxMessageSize().toBytes()));
        String language = Localizations.language(body.string("language", false, 20));
        Map<String, Object> content = body.object("content", false);
        List<NewMail.Attachment> attachments = attachments(body);
        return new Request(to, cc, bcc, from, replyTo, subject, text, templateId, templateName, language, content,
                attachments);
    }

    private List<NewMail.Attachment> attachments(Body body) {
        JsonNode list = body.get("attachments");
        List<NewMail.Attachment> out = new ArrayList<>();
        if (list == null) {
            return out;
        }
        if (!list.isArray()) {
            throw Body.invalid("attachments", "must be an array");
        }
        if (list.size() > properties.maxAttachments()) {
            throw Body.invalid("attachments", "may hold at most " + properties.maxAttachments() + " files");
        }
        long total = 0;
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String path = "attachments[" + i + "]";
            JsonNode item = list.get(i);
            if (item == null || !item.isObject()) {
                throw Body.invalid(path, "must be an object {name, content, type}");
            }
            Body a = Body.of(item);
            String name = a.text("name", false, MAX_NAME);
            if (name == null) {
                name = a.text("filename", false, MAX_NAME);
            }
            if (name == null) {
                throw Body.missing(path + ".name");
            }
            if (name.matches(".*[\\r\\n\\x00/\\\\].*")) {
                throw Body.invalid(path + ".name", "may not contain line breaks or slashes");
            }
            String encoded = a.string("content", true, Integer.MAX_VALUE);
            byte[] bytes;
            try {
                bytes = Base64.getMimeDecoder().decode(encoded);
            } catch (IllegalArgumentException e) {
                throw Body.invalid(path + ".content", "must be base64");
            }
            total += bytes.length;
            if (total > properties.maxMessageSize().toBytes()) {
                throw Body.invalid("attachments", "are larger than " + properties.maxMessageSize().toBytes()
                        + " bytes together");
            }
            String type = a.text("type", false, 255);
            if (type == null) {
                type = a.text("content_type", false, 255);
            }
            if (type != null && !type.matches("^[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+( *;.*)?$")) {
                throw Body.invalid(path + ".type", "must be a media type such as application/pdf");
            }
            names.add(name);
            out.add(new NewMail.Attachment(name, type == null ? "application/octet-stream" : type, bytes));
        }
        return out;
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}

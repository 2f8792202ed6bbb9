package dev.medbase.mail.flows;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import dev.medbase.mail.MailProperties;
import dev.medbase.mail.mails.MailService;
import dev.medbase.mail.templates.HandlebarsRenderer;
import dev.medbase.mail.web.Addresses;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.events.EventEnvelope;
import dev.medbase.platform.events.EventHandler;
import dev.medbase.platform.events.EventTopics;

/**
 * Sends the mails user-service asks for on {@code medbase.users} ({@code docs/events-users.md}):
 * {@code activation_requested} (registration, activation request, e-mail change → {@code reactivation: true}) and
 * {@code password_reset_requested}, in hash or PIN mode; a reset with {@code oidc_unlink: true} (an administrator
 * unlinked the user from OpenID Connect) is the OIDC-unlink mail.
 *
 * <p>The template is the one user-service's e-mail template settings name in the event ({@code template_id} or
 * {@code template_name}; v2 first, then v1), resolved with the inputs Extra Horizon documents: {@code first_name},
 * {@code last_name}, {@code email}, {@code language}, {@code mode}, {@code activation_hash} / {@code reset_hash} /
 * {@code pin_code}, {@code expiry_timestamp}, {@code reactivation}, {@code user_id}, and {@code tracking_hash}. Without
 * a configured template — or when the configured one is missing or fails to resolve (logged) — the built-in one
 * ({@link BuiltinTemplates}) is used, so an account can always be activated or reset.
 *
 * <p>The hash / PIN is sent but never kept in clear where a mail is shown: the mail log's subject, body and content
 * hold {@code [redacted]} instead, and nothing here logs it. One mail per event: the event id is the mail's request
 * key, so a redelivered event queues nothing.
 */
@Component
@ConditionalOnProperty(name = "medbase.mail.consume-events", havingValue = "true", matchIfMissing = true)
class UserMailHandler implements EventHandler {

    static final String ACTIVATION_REQUESTED = "activation_requested";
    static final String PASSWORD_RESET_REQUESTED = "password_reset_requested";
    private static final Logger log = LoggerFactory.getLogger(UserMailHandler.class);
    private static final DateTimeFormatter EXPIRES = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final MailService mails;
    private final HandlebarsRenderer handlebars;
    private final MailProperties properties;

    UserMailHandler(MailService mails, HandlebarsRenderer handlebars, MailProperties properties) {
        this.mails = mails;
        this.handlebars = handlebars;
        this.properties = properties;
    }

    @Override
    public Collection<String> topics() {
        return List.of(EventTopics.forSource("users"));
    }

    @Override
    public Collection<String> types() {
        return List.of(ACTIVATION_REQUESTED, PASSWORD_RESET_REQUESTED);
    }

    @Override
    public void handle(EventEnvelope event) {
        Map<String, Object> c = event.content();
        String email = string(c.get("email"));
        boolean activation = event.type().equals(ACTIVATION_REQUESTED);
        boolean pin = "pin_code".equals(c.get("mode")) || (c.get("pin_code") != null && c.get(activation
                ? "activation_hash" : "reset_hash") == null);
        String secretKey = pin ? "pin_code" : activation ? "activation_hash" : "reset_hash";
        String secret = string(c.get(secretKey));
        if (email == null || !Addresses.isValid(email) || secret == null) {
            log.warn("Event {} ({}) has no usable e-mail address or {}; no mail sent", event.id(), event.type(),
                    secretKey);
            return;
        }
        boolean reactivation = activation && Boolean.TRUE.equals(c.get("reactivation"));
        boolean oidcUnlink = !activation && Boolean.TRUE.equals(c.get("oidc_unlink"));
        String language = languageOf(c.get("language"));

        Map<String, Object> inputs = new LinkedHashMap<>();
        for (String key : new String[] {"user_id", "email", "first_name", "last_name", "mode", "expiry_timestamp",
                "reactivation", "oidc_unlink"}) {
            if (c.get(key) != null) {
                inputs.put(key, c.get(key));
            }
        }
        inputs.put("language", language);
        inputs.put(secretKey, secret);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("user_id", string(c.get("user_id")));
        extra.put("event_id", event.id());
        extra.put("event_type", event.type());
        String requestKey = "event:" + event.id();
        Set<String> secrets = Set.of(secret);

        String templateId = string(c.get("template_id"));
        String templateName = templateId == null ? string(c.get("template_name")) : null;
        if (templateId != null || templateName != null) {
            try {
                mails.queue(new MailService.Request(List.of(email), List.of(), List.of(), null, List.of(), null, null,
                        templateId, templateName, language, inputs, List.of()), null, "user_flow", requestKey, secrets,
                        extra);
                return;
            } catch (ExhException e) {
                log.warn("Event {} ({}): template {} cannot be used ({} {}); sending the built-in mail instead",
                        event.id(), event.type(), templateId != null ? templateId : templateName, e.error().code(),
                        e.getMessage());
            }
        }
        BuiltinTemplates.Builtin builtin = oidcUnlink
                ? (pin ? BuiltinTemplates.OIDC_UNLINK_PIN : BuiltinTemplates.OIDC_UNLINK)
                : pin
                ? (!activation ? BuiltinTemplates.PASSWORD_RESET_PIN
                        : reactivation ? BuiltinTemplates.REACTIVATION_PIN : BuiltinTemplates.ACTIVATION_PIN)
                : (!activation ? BuiltinTemplates.PASSWORD_RESET
                        : reactivation ? BuiltinTemplates.REACTIVATION : BuiltinTemplates.ACTIVATION);
        Map<String, Object> builtinInputs = new LinkedHashMap<>(inputs);
        String link = pin ? "" : activation ? properties.userMails().activationUrl()
                : properties.userMails().passwordResetUrl();
        if (link != null && !link.isBlank()) {
            builtinInputs.put("link", link.replace("{hash}", encode(secret)).replace("{email}", encode(email)));
        }
        if (c.get("expiry_timestamp") instanceof Number expiry) {
            builtinInputs.put("expires", EXPIRES.format(Instant.ofEpochMilli(expiry.longValue())));
        }
        Map<String, String> out = handlebars.render(builtin.outputs(), builtinInputs, language, null);
        mails.queue(new MailService.Request(List.of(email), List.of(), List.of(), null, List.of(), out.get("subject"),
                out.get("body"), null, null, language, inputs, List.of()), null, "user_flow", requestKey, secrets, extra);
    }

    private static String languageOf(Object value) {
        String s = string(value);
        return s != null && s.matches("^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})?$") ? s.toUpperCase() : "EN";
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String string(Object value) {
        return value instanceof String s && !s.isBlank() ? s : null;
    }
}

package dev.medbase.users.settings;

import java.util.LinkedHashMap;
import java.util.Map;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.stereotype.Service;

import dev.medbase.platform.events.EventPublisher;
import dev.medbase.users.UsersProperties;
import dev.medbase.users.events.UserEvents;
import dev.medbase.users.web.Fields;
import dev.medbase.users.web.Ids;

/** Verification settings and e-mail template settings: read with defaults, partial updates, events. */
@Service
public class SettingsService {

    static final String VERIFICATION = "verification";
    static final String EMAIL_TEMPLATES = "email_templates";

    private final SettingsStore store;
    private final UsersProperties properties;
    private final EventPublisher events;

    public SettingsService(SettingsStore store, UsersProperties properties, EventPublisher events) {
        this.store = store;
        this.properties = properties;
        this.events = events;
    }

    public VerificationSettings verification() {
        return verification(store.get(VERIFICATION));
    }

    private VerificationSettings verification(Document d) {
        UsersProperties.Defaults defaults = properties.defaults();
        return new VerificationSettings(
                d.get("enable_pin_code_activation_requests", defaults.enablePinCodes()),
                d.get("enable_pin_code_forgot_password_requests", defaults.enablePinCodes()),
                d.get("limit_hash_activation_requests", defaults.limitHashRequests()),
                d.get("limit_hash_forgot_password_requests", defaults.limitHashRequests()));
    }

    public VerificationSettings updateVerification(VerificationSettings changes) {
        if (changes == null) {
            throw Fields.missing("body");
        }
        Map<String, Object> set = new LinkedHashMap<>();
        putIfPresent(set, "enable_pin_code_activation_requests", changes.enablePinCodeActivationRequests());
        putIfPresent(set, "enable_pin_code_forgot_password_requests", changes.enablePinCodeForgotPasswordRequests());
        putIfPresent(set, "limit_hash_activation_requests", changes.limitHashActivationRequests());
        putIfPresent(set, "limit_hash_forgot_password_requests", changes.limitHashForgotPasswordRequests());
        VerificationSettings updated = verification(store.update(VERIFICATION, set));
        if (!set.isEmpty()) {
            events.publish(UserEvents.VERIFICATION_SETTINGS_UPDATED, "settings:" + VERIFICATION, Map.of(
                    "enable_pin_code_activation_requests", updated.enablePinCodeActivationRequests(),
                    "enable_pin_code_forgot_password_requests", updated.enablePinCodeForgotPasswordRequests(),
                    "limit_hash_activation_requests", updated.limitHashActivationRequests(),
                    "limit_hash_forgot_password_requests", updated.limitHashForgotPasswordRequests()));
        }
        return updated;
    }

    public EmailTemplates emailTemplates() {
        return emailTemplates(store.get(EMAIL_TEMPLATES));
    }

    private static EmailTemplates emailTemplates(Document d) {
        return new EmailTemplates(
                d.getString("activation_email_template_id"), d.getString("activation_email_template_name"),
                d.getString("reactivation_email_template_id"), d.getString("reactivation_email_template_name"),
                d.getString("password_reset_email_template_id"), d.getString("password_reset_email_template_name"),
                d.getString("oidc_unlink_email_template_id"), d.getString("oidc_unlink_email_template_name"),
                d.getString("oidc_unlink_pin_email_template_id"), d.getString("oidc_unlink_pin_email_template_name"),
                d.getString("activation_pin_email_template_id"), d.getString("activation_pin_email_template_name"),
                d.getString("reactivation_pin_email_template_id"), d.getString("reactivation_pin_email_template_name"),
                d.getString("password_reset_pin_email_template_id"),
                d.getString("password_reset_pin_email_template_name"));
    }

    /**
     * The template configured for one mail, as {@code {template_id}} or {@code {template_name}}, or an empty map.
     *
     * @param template one of {@link EmailTemplates#TEMPLATES}, e.g. {@code activation_email_template}
     */
    public Map<String, Object> template(String template) {
        Document d = store.get(EMAIL_TEMPLATES);
        Map<String, Object> out = new LinkedHashMap<>();
        if (d.getString(template + "_id") != null) {
            out.put("template_id", d.getString(template + "_id"));
        } else if (d.getString(template + "_name") != null) {
            out.put("template_name", d.getString(template + "_name"));
        }
        return out;
    }

    /**
     * Partial update: every key of the body that is present is applied; {@code null} clears it. Setting the id of a
     * template clears its name and the other way round; giving both for one template is 15.
     */
    public EmailTemplates updateEmailTemplates(Map<String, Object> body) {
        if (body == null) {
            throw Fields.missing("body");
        }
        Map<String, Object> set = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : body.entrySet()) {
            String key = e.getKey();
            String template = templateOf(key);
            if (template == null) {
                throw Fields.invalid(key, "is not an e-mail template setting");
            }
            Object value = e.getValue();
            if (value != null && !(value instanceof String)) {
                throw Fields.invalid(key, "must be a string or null");
            }
            String text = (String) value;
            if (key.endsWith("_id")) {
                if (text != null) {
                    ObjectId id = Ids.parse(key, text);
                    text = id.toHexString();
                    if (body.get(template + "_name") != null) {
                        throw Fields.invalid(key, "and " + template + "_name cannot both be set");
                    }
                    set.put(template + "_name", null);
                }
            } else if (text != null) {
                text = Fields.required(key, text, Fields.MAX_NAME);
                set.put(template + "_id", null);
            }
            set.put(key, text);
        }
        EmailTemplates updated = emailTemplates(store.update(EMAIL_TEMPLATES, set));
        if (!set.isEmpty()) {
            Map<String, Object> content = new LinkedHashMap<>();
            Document now = store.get(EMAIL_TEMPLATES);
            now.forEach((k, v) -> {
                if (!k.equals("_id")) {
                    content.put(k, v);
                }
            });
            events.publish(UserEvents.EMAIL_TEMPLATES_UPDATED, "settings:" + EMAIL_TEMPLATES, content);
        }
        return updated;
    }

    private static String templateOf(String key) {
        for (String template : EmailTemplates.TEMPLATES) {
            if (key.equals(template + "_id") || key.equals(template + "_name")) {
                return template;
            }
        }
        return null;
    }

    private static void putIfPresent(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}

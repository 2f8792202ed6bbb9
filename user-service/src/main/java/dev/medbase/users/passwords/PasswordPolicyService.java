package dev.medbase.users.passwords;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.springframework.stereotype.Service;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.events.EventPublisher;
import dev.medbase.users.UsersProperties;
import dev.medbase.users.events.UserEvents;
import dev.medbase.users.settings.SettingsStore;
import dev.medbase.users.web.Fields;

/**
 * The password policy: read (with the configured defaults), updated partially, and enforced wherever a password is
 * set (registration, change, reset) with {@code 208 PASSWORD_EXCEPTION} and a message naming every unmet rule.
 */
@Service
public class PasswordPolicyService {

    static final String ID = "password_policy";

    private final SettingsStore store;
    private final UsersProperties properties;
    private final EventPublisher events;

    public PasswordPolicyService(SettingsStore store, UsersProperties properties, EventPublisher events) {
        this.store = store;
        this.properties = properties;
        this.events = events;
    }

    public PasswordPolicy get() {
        Document d = store.get(ID);
        UsersProperties.Defaults defaults = properties.defaults();
        return new PasswordPolicy(
                d.get("minimum_length", defaults.passwordMinimumLength()),
                d.get("maximum_length", defaults.passwordMaximumLength()),
                d.get("upper_case_required", false),
                d.get("lower_case_required", false),
                d.get("symbol_required", false),
                d.get("number_required", false));
    }

    /** Applies the fields that are present; the result must keep 1 ≤ minimum ≤ maximum ≤ 1024 (else 15). */
    public PasswordPolicy update(PasswordPolicy changes) {
        PasswordPolicy current = get();
        int min = changes.minimumLength() != null ? changes.minimumLength() : current.minimumLength();
        int max = changes.maximumLength() != null ? changes.maximumLength() : current.maximumLength();
        if (min < 1) {
            throw Fields.invalid("minimum_length", "must be at least 1");
        }
        if (max > Fields.MAX_PASSWORD) {
            throw Fields.invalid("maximum_length", "must be at most " + Fields.MAX_PASSWORD);
        }
        if (min > max) {
            throw Fields.invalid("minimum_length", "must not be larger than maximum_length (" + max + ")");
        }
        Map<String, Object> set = new LinkedHashMap<>();
        put(set, "minimum_length", changes.minimumLength());
        put(set, "maximum_length", changes.maximumLength());
        put(set, "upper_case_required", changes.upperCaseRequired());
        put(set, "lower_case_required", changes.lowerCaseRequired());
        put(set, "symbol_required", changes.symbolRequired());
        put(set, "number_required", changes.numberRequired());
        if (set.isEmpty()) {
            return current;
        }
        store.update(ID, set);
        PasswordPolicy updated = get();
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("minimum_length", updated.minimumLength());
        content.put("maximum_length", updated.maximumLength());
        content.put("upper_case_required", updated.upperCaseRequired());
        content.put("lower_case_required", updated.lowerCaseRequired());
        content.put("symbol_required", updated.symbolRequired());
        content.put("number_required", updated.numberRequired());
        events.publish(UserEvents.PASSWORD_POLICY_UPDATED, "settings:" + ID, content);
        return updated;
    }

    /** 208 naming every rule the password breaks. */
    public void check(String field, String password) {
        PasswordPolicy policy = get();
        int length = password.codePointCount(0, password.length());
        List<String> unmet = new ArrayList<>();
        if (length < policy.minimumLength()) {
            unmet.add("be at least " + policy.minimumLength() + " characters long");
        }
        if (length > policy.maximumLength()) {
            unmet.add("be at most " + policy.maximumLength() + " characters long");
        }
        if (policy.upperCaseRequired() && password.codePoints().noneMatch(Character::isUpperCase)) {
            unmet.add("contain an upper-case letter");
        }
        if (policy.lowerCaseRequired() && password.codePoints().noneMatch(Character::isLowerCase)) {
            unmet.add("contain a lower-case letter");
        }
        if (policy.numberRequired() && password.codePoints().noneMatch(Character::isDigit)) {
            unmet.add("contain a number");
        }
        if (policy.symbolRequired() && password.codePoints()
                .noneMatch(c -> !Character.isLetterOrDigit(c) && !Character.isWhitespace(c))) {
            unmet.add("contain a symbol (a character that is not a letter, digit or space)");
        }
        if (!unmet.isEmpty()) {
            throw new ExhException(ExhError.PASSWORD_EXCEPTION,
                    "'" + field + "' does not meet the password policy: it must " + String.join(", ", unmet));
        }
    }

    private static void put(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}

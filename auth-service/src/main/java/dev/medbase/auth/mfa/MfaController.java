package dev.medbase.auth.mfa;

import java.util.List;
import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.medbase.auth.support.AffectedRecords;
import dev.medbase.auth.support.Ids;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.openapi.ApiBody;
import dev.medbase.platform.security.Caller;

/**
 * {@code POST /auth/v2/confirmPresence} and {@code /auth/v2/mfa/users/{userId}/**} (contract §5.4). Own settings, or
 * another user's with {@code VIEW_USER_MFA_SETTINGS} (read) / {@code UPDATE_USER_MFA_SETTINGS} (changes). Every
 * change needs a presence token of the caller (132).
 */
@RestController
class MfaController {

    private final MfaSettings settings;
    private final PresenceTokens presence;

    MfaController(MfaSettings settings, PresenceTokens presence) {
        this.settings = settings;
        this.presence = presence;
    }

    @ApiBody(request = MfaDocs.PresenceRequest.class, response = MfaDocs.PresenceToken.class)
    @PostMapping({"/auth/v2/confirmPresence", "/auth/v2/confirmPresence/"})
    Map<String, Object> confirmPresence(Caller caller, @RequestBody(required = false) Map<String, Object> body) {
        caller.requireUser();
        return presence.confirm(caller.userId(), string(body, "password", true));
    }

    @ApiBody(response = MfaDocs.Setting.class)
    @GetMapping("/auth/v2/mfa/users/{userId}")
    Map<String, Object> get(Caller caller, @PathVariable String userId) {
        String id = subject(caller, userId, "VIEW_USER_MFA_SETTINGS");
        return settings.view(id);
    }

    @ApiBody(request = MfaDocs.Presence.class)
    @PostMapping("/auth/v2/mfa/users/{userId}/enable")
    AffectedRecords enable(Caller caller, @PathVariable String userId,
            @RequestBody(required = false) Map<String, Object> body) {
        String id = changing(caller, userId, body);
        return new AffectedRecords(settings.setEnabled(id, true));
    }

    @ApiBody(request = MfaDocs.Presence.class)
    @PostMapping("/auth/v2/mfa/users/{userId}/disable")
    AffectedRecords disable(Caller caller, @PathVariable String userId,
            @RequestBody(required = false) Map<String, Object> body) {
        String id = changing(caller, userId, body);
        return new AffectedRecords(settings.setEnabled(id, false));
    }

    @ApiBody(request = MfaDocs.NewMethod.class, response = MfaDocs.Method.class)
    @PostMapping("/auth/v2/mfa/users/{userId}/methods")
    Map<String, Object> addMethod(Caller caller, @PathVariable String userId,
            @RequestBody(required = false) Map<String, Object> body) {
        String type = string(body, "type", true);
        if (!"totp".equals(type) && !"recoveryCodes".equals(type)) {
            throw new ExhException(ExhError.FIELD_FORMAT_EXCEPTION, "type must be 'totp' or 'recoveryCodes'");
        }
        String name = string(body, "name", false);
        List<String> tags = tags(body);
        String id = changing(caller, userId, body);
        return settings.addMethod(id, type, name, tags, id);
    }

    @ApiBody(request = MfaDocs.Verification.class, response = MfaDocs.Verified.class)
    @PostMapping("/auth/v2/mfa/users/{userId}/methods/{methodId}/verification/confirm")
    Map<String, Object> confirm(Caller caller, @PathVariable String userId, @PathVariable String methodId,
            @RequestBody(required = false) Map<String, Object> body) {
        String code = string(body, "code", true);
        String id = changing(caller, userId, body);
        return Map.of("description", settings.confirmVerification(id, Ids.parse(methodId).toHexString(), code));
    }

    @ApiBody(request = MfaDocs.Presence.class)
    @PostMapping("/auth/v2/mfa/users/{userId}/methods/{methodId}/remove")
    AffectedRecords remove(Caller caller, @PathVariable String userId, @PathVariable String methodId,
            @RequestBody(required = false) Map<String, Object> body) {
        String id = changing(caller, userId, body);
        return new AffectedRecords(settings.removeMethod(id, Ids.parse(methodId).toHexString()));
    }

    private String changing(Caller caller, String userId, Map<String, Object> body) {
        String id = subject(caller, userId, "UPDATE_USER_MFA_SETTINGS");
        presence.require(string(body, "presenceToken", true), caller.userId());
        return id;
    }

    private static String subject(Caller caller, String userId, String permission) {
        caller.requireUser();
        String id = Ids.parse(userId).toHexString();
        if (!id.equals(caller.userId()) && !caller.hasPermission(permission)) {
            throw new ExhException(ExhError.NO_PERMISSION_EXCEPTION, "Permission " + permission + " is required");
        }
        return id;
    }

    static String string(Map<String, Object> body, String field, boolean required) {
        if (body == null) {
            if (required) {
                throw new ExhException(ExhError.EMPTY_BODY_EXCEPTION);
            }
            return null;
        }
        Object value = body.get(field);
        if (value == null || "".equals(value)) {
            if (required) {
                throw new ExhException(ExhError.MISSING_REQUIRED_FIELDS_EXCEPTION, "Field '" + field + "' is required");
            }
            return null;
        }
        if (!(value instanceof String s) || s.length() > 1024) {
            throw new ExhException(ExhError.FIELD_FORMAT_EXCEPTION, "Field '" + field + "' must be a short string");
        }
        return s;
    }

    private static List<String> tags(Map<String, Object> body) {
        Object tags = body == null ? null : body.get("tags");
        if (tags == null) {
            return List.of();
        }
        if (!(tags instanceof List<?> list) || list.size() > 20
                || list.stream().anyMatch(t -> !(t instanceof String s) || s.length() > 100)) {
            throw new ExhException(ExhError.FIELD_FORMAT_EXCEPTION, "tags must be a list of short strings");
        }
        return list.stream().map(String.class::cast).toList();
    }
}

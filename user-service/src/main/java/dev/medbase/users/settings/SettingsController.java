package dev.medbase.users.settings;

import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.medbase.platform.openapi.ApiBody;
import dev.medbase.platform.security.Caller;
import dev.medbase.users.permissions.Permission;

/** {@code /users/v1/settings/verification} and {@code /users/v1/email_templates} (contract §6.2 rows 26–29). */
@RestController
@RequestMapping("/users/v1")
class SettingsController {

    private final SettingsService settings;

    SettingsController(SettingsService settings) {
        this.settings = settings;
    }

    @GetMapping("/settings/verification")
    VerificationSettings verification(Caller caller) {
        caller.requirePermission(Permission.VIEW_USER_VERIFICATION_SETTINGS.name());
        return settings.verification();
    }

    @PutMapping("/settings/verification")
    VerificationSettings updateVerification(Caller caller, @RequestBody VerificationSettings body) {
        caller.requirePermission(Permission.UPDATE_USER_VERIFICATION_SETTINGS.name());
        return settings.updateVerification(body);
    }

    @GetMapping("/email_templates")
    EmailTemplates emailTemplates(Caller caller) {
        caller.requirePermission(Permission.VIEW_USER_SERVICE_EMAIL_TEMPLATES.name());
        return settings.emailTemplates();
    }

    @ApiBody(request = EmailTemplates.class)
    @PutMapping("/email_templates")
    EmailTemplates updateEmailTemplates(Caller caller, @RequestBody Map<String, Object> body) {
        caller.requirePermission(Permission.UPDATE_USER_SERVICE_EMAIL_TEMPLATES.name());
        return settings.updateEmailTemplates(body);
    }
}

package dev.medbase.users.settings;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Wire and stored shape of {@code /email_templates} (contract §6.1): per mail either a template id or a template
 * name (users-service 1.6 / SDK 8.10), never both. Unset templates are absent; nothing set is {@code {}}.
 */
@Schema(example = """
        {"activation_email_template_id": "5e9fff9d90135a2a9a718e2f",
         "password_reset_email_template_name": "password-reset", "reactivation_email_template_id": null}""")
public record EmailTemplates(
        String activationEmailTemplateId,
        String activationEmailTemplateName,
        String reactivationEmailTemplateId,
        String reactivationEmailTemplateName,
        String passwordResetEmailTemplateId,
        String passwordResetEmailTemplateName,
        String oidcUnlinkEmailTemplateId,
        String oidcUnlinkEmailTemplateName,
        String oidcUnlinkPinEmailTemplateId,
        String oidcUnlinkPinEmailTemplateName,
        String activationPinEmailTemplateId,
        String activationPinEmailTemplateName,
        String reactivationPinEmailTemplateId,
        String reactivationPinEmailTemplateName,
        String passwordResetPinEmailTemplateId,
        String passwordResetPinEmailTemplateName) {

    /** The template names of the contract, without the {@code _id} / {@code _name} suffix. */
    public static final String[] TEMPLATES = {"activation_email_template", "reactivation_email_template",
            "password_reset_email_template", "oidc_unlink_email_template", "oidc_unlink_pin_email_template",
            "activation_pin_email_template", "reactivation_pin_email_template", "password_reset_pin_email_template"};
}

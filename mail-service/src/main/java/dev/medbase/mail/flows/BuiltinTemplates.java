package dev.medbase.mail.flows;

import java.util.Map;

/**
 * The mails sent for user-service when no template is configured (Extra Horizon ships default templates in every
 * cluster; these are Medbase's): Handlebars templates over the event's inputs ({@code first_name},
 * {@code activation_hash} / {@code reset_hash} / {@code pin_code}) plus {@code link} (the configured URL, when set)
 * and {@code expires} (readable expiry, when the code expires). The code always appears on a line of its own, so
 * it can be copied, and read by tests.
 */
final class BuiltinTemplates {

    private BuiltinTemplates() {
    }

    record Builtin(String subject, String body) {
        Map<String, String> outputs() {
            return Map.of("subject", subject, "body", body);
        }
    }

    private static final String FOOTER = """
            {{#if @inputs.expires}}<p>This code is valid until {{@inputs.expires}}.</p>{{/if}}
            <p>If you did not ask for this, you can ignore this mail.</p>
            """;

    static final Builtin ACTIVATION = new Builtin("Activate your account", """
            <p>Hello {{@inputs.first_name}},</p>
            <p>Welcome! Use this code to activate your account:</p>
            <p><code>{{@inputs.activation_hash}}</code></p>
            {{#if @inputs.link}}<p><a href="{{@inputs.link}}">Activate your account</a></p>{{/if}}
            """ + FOOTER);

    static final Builtin REACTIVATION = new Builtin("Confirm your new e-mail address", """
            <p>Hello {{@inputs.first_name}},</p>
            <p>Your e-mail address was changed. Use this code to confirm it:</p>
            <p><code>{{@inputs.activation_hash}}</code></p>
            {{#if @inputs.link}}<p><a href="{{@inputs.link}}">Confirm your e-mail address</a></p>{{/if}}
            """ + FOOTER);

    static final Builtin ACTIVATION_PIN = new Builtin("Your activation code", """
            <p>Hello {{@inputs.first_name}},</p>
            <p>Your activation PIN code is:</p>
            <p><code>{{@inputs.pin_code}}</code></p>
            """ + FOOTER);

    static final Builtin REACTIVATION_PIN = new Builtin("Your confirmation code", """
            <p>Hello {{@inputs.first_name}},</p>
            <p>Your e-mail address was changed. Your confirmation PIN code is:</p>
            <p><code>{{@inputs.pin_code}}</code></p>
            """ + FOOTER);

    static final Builtin PASSWORD_RESET = new Builtin("Reset your password", """
            <p>Hello {{@inputs.first_name}},</p>
            <p>Use this code to choose a new password:</p>
            <p><code>{{@inputs.reset_hash}}</code></p>
            {{#if @inputs.link}}<p><a href="{{@inputs.link}}">Reset your password</a></p>{{/if}}
            """ + FOOTER);

    static final Builtin PASSWORD_RESET_PIN = new Builtin("Your password reset code", """
            <p>Hello {{@inputs.first_name}},</p>
            <p>Your password reset PIN code is:</p>
            <p><code>{{@inputs.pin_code}}</code></p>
            """ + FOOTER);

    static final Builtin OIDC_UNLINK = new Builtin("Choose a password for your account", """
            <p>Hello {{@inputs.first_name}},</p>
            <p>Your account is no longer linked to your single sign-on provider. Use this code to choose a password:</p>
            <p><code>{{@inputs.reset_hash}}</code></p>
            {{#if @inputs.link}}<p><a href="{{@inputs.link}}">Choose a password</a></p>{{/if}}
            """ + FOOTER);

    static final Builtin OIDC_UNLINK_PIN = new Builtin("Your code to choose a password", """
            <p>Hello {{@inputs.first_name}},</p>
            <p>Your account is no longer linked to your single sign-on provider. Your PIN code to choose a password is:</p>
            <p><code>{{@inputs.pin_code}}</code></p>
            """ + FOOTER);
}

package dev.medbase.auth.mfa;

import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Documentation only (OpenAPI, {@code @ApiBody} on {@link MfaController}): presence tokens and MFA settings
 * (contract §5.4), camelCase. Changing a setting needs a presence token from {@code POST /auth/v2/confirmPresence}.
 */
final class MfaDocs {

    private MfaDocs() {
    }

    @Schema(description = "The caller's password", example = """
            {"password": "My-secret-1"}""")
    record PresenceRequest(String password) {}

    record PresenceToken(String token, String expiryTimestamp, String creationTimestamp, String updateTimestamp) {}

    @Schema(description = "A recent presence token of the user", example = """
            {"presenceToken": "6b4e7e3c5f1d2a9b8c0e4f6a1b3d5c7e9f0a2b4c"}""")
    record Presence(String presenceToken) {}

    @Schema(description = "A new method (totp or recoveryCodes)", example = """
            {"presenceToken": "6b4e7e3c5f1d2a9b8c0e4f6a1b3d5c7e9f0a2b4c", "type": "totp",
             "name": "Phone authenticator", "tags": ["phone"]}""")
    record NewMethod(String presenceToken, @Schema(allowableValues = {"totp", "recoveryCodes"}) String type,
                     String name, List<String> tags) {}

    @Schema(description = "A method; secret and uri (totp) or codes (recoveryCodes) only when it is added")
    record Method(String id, String type, String name, List<String> tags, Boolean verified, String secret,
                  String uri, List<String> codes, Integer remainingCodes, String creationTimestamp,
                  String updateTimestamp) {}

    @Schema(description = "A code of the totp method, to verify it", example = """
            {"presenceToken": "6b4e7e3c5f1d2a9b8c0e4f6a1b3d5c7e9f0a2b4c", "code": "123456"}""")
    record Verification(String presenceToken, String code) {}

    record Verified(String description) {}

    record Setting(String id, Boolean enabled, List<Method> methods, String updateTimestamp) {}
}

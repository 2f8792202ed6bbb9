package dev.medbase.auth.oauth1;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Documentation only (OpenAPI, {@code @ApiBody} on {@link OAuth1Controller}): OAuth1 tokens and SSO tokens
 * (contract §5.3), camelCase. Requests are signed with the consumer key (RFC 5849); the JSON body is not signed.
 */
final class OAuth1Docs {

    private OAuth1Docs() {
    }

    @Schema(description = "A user's credentials", example = """
            {"email": "jane.doe@example.com", "password": "My-secret-1"}""")
    record Login(String email, String password) {}

    @Schema(description = "The MFA challenge's token, a method of the user and its code", example = """
            {"token": "6b4e7e3c5f1d2a9b8c0e4f6a1b3d5c7e9f0a2b4c", "methodId": "5e9fff9d90135a2a9a718e2f",
             "code": "123456"}""")
    record MfaConfirmation(String token, String methodId, String code) {}

    @Schema(description = "A single-use SSO token", example = """
            {"ssoToken": "1bd0f8a1c3e5f7092b4d6f8a0c2e4f6a8b0d2f41"}""")
    record SsoConsumption(String ssoToken) {}

    @Schema(description = "An OAuth1 token; tokenSecret only when issued")
    record OAuth1Token(String id, String userId, String applicationId, String token, String tokenSecret,
                       String lastUsedTimestamp, String creationTimestamp, String updateTimestamp) {}

    @Schema(description = "A single-use SSO token for another application of the user")
    record SsoToken(String id, String ssoToken, String userId, String createdByApplicationId, String expiryTimestamp,
                    String creationTimestamp, String updateTimestamp) {}
}

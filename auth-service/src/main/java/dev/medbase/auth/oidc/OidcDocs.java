package dev.medbase.auth.oidc;

import java.util.Map;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Documentation only (OpenAPI, {@code @ApiBody} on {@link OidcController}): OpenID Connect providers, logins and
 * login attempts (contract §5.6), camelCase except the OAuth2 client credentials of {@code oAuth2Login}.
 */
final class OidcDocs {

    private OidcDocs() {
    }

    @Schema(description = "A provider; userInfoEndpoint (the docs' spelling) is accepted for userinfoEndpoint",
            example = """
            {"name": "google", "description": "Sign in with Google", "clientId": "medbase-web.apps.example.com",
             "clientSecret": "GOCSPX-example-secret", "issuerId": "https://accounts.google.com",
             "authorizationEndpoint": "https://accounts.google.com/o/oauth2/v2/auth",
             "tokenEndpoint": "https://oauth2.googleapis.com/token",
             "userinfoEndpoint": "https://openidconnect.googleapis.com/v1/userinfo",
             "redirectUri": "https://app.example.com/oidc/callback"}""")
    record NewProvider(String name, String description, String clientId, String clientSecret, String issuerId,
                       String authorizationEndpoint, String tokenEndpoint, String userinfoEndpoint,
                       String redirectUri) {}

    @Schema(description = "The fields to change", example = """
            {"description": "Sign in with your Google account", "clientSecret": "GOCSPX-rotated-secret"}""")
    record ProviderChanges(String name, String description, String clientId, String clientSecret, String issuerId,
                           String authorizationEndpoint, String tokenEndpoint, String userinfoEndpoint,
                           String redirectUri) {}

    @Schema(description = "A provider; only the last characters of its client secret are shown")
    record Provider(String id, String name, String description, String clientId, String clientSecretHint,
                    String issuerId, String authorizationEndpoint, String tokenEndpoint, String userinfoEndpoint,
                    String redirectUri, Boolean enabled, String creationTimestamp, String updateTimestamp) {}

    @Schema(description = "An optional state to get back on the redirect", example = """
            {"state": "b1a2c3d4"}""")
    record AuthenticationUrlRequest(String state) {}

    record AuthenticationUrl(String authenticationUrl) {}

    @Schema(description = "The code the provider redirected with, and the OAuth2 client (or HTTP Basic auth)",
            example = """
            {"client_id": "d2c9d8a3b41f4e5f", "authorizationCode": "4/0AbCdEf-example-code"}""")
    record OidcLogin(String client_id, String client_secret, String authorizationCode) {}

    @Schema(description = "Links the caller (confirmed presence) to the provider account of the code", example = """
            {"presenceToken": "6b4e7e3c5f1d2a9b8c0e4f6a1b3d5c7e9f0a2b4c", "authorizationCode": "4/0AbCdEf-example"}""")
    record Link(String presenceToken, String authorizationCode) {}

    @Schema(description = "One OIDC login attempt")
    record LoginAttempt(String id, @Schema(allowableValues = {"success", "failed"}) String status, String providerId,
                        String providerName, String providerSubjectId, String userId, Map<String, Object> error,
                        String creationTimestamp) {}
}

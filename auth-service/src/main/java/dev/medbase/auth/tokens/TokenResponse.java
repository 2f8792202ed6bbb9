package dev.medbase.auth.tokens;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The token endpoint's success body, snake_case on the wire (contract §5.1). */
public record TokenResponse(@JsonProperty("access_token") String accessToken,
        @JsonProperty("token_type") String tokenType,
        @JsonProperty("expires_in") long expiresIn,
        @JsonProperty("refresh_token") String refreshToken,
        @JsonProperty("user_id") String userId,
        @JsonProperty("application_id") String applicationId) {}

package dev.medbase.auth.authorizations;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The wire form of an OAuth2 authorization (contract §5.5), camelCase. {@code authorizationCode} is only present in
 * the create answer: the code is stored as a SHA-256 digest.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Authorization(String id, String userId, String clientId, String redirectUri, String state,
        String scope, String authorizationCode, String codeChallenge, String codeChallengeMethod,
        String expiryTimestamp, String creationTimestamp, String updateTimestamp) {}

package dev.medbase.auth.applications;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The wire form of an application (contract §5.2), camelCase. {@code oauth2} applications carry {@code logo},
 * {@code redirectUris} and {@code confidential}; {@code oauth1} ones do not. Version secrets are never listed: they
 * are stored hashed and shown once, in the create-version answer ({@link CreatedVersion}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Application(String id, String type, String name, String description, String logo,
        List<String> redirectUris, Boolean confidential, List<Version> versions, String creationTimestamp,
        String updateTimestamp) {

    /** A version in a listing: no secret. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Version(String id, String name, String clientId, String consumerKey, String creationTimestamp) {}

    /** What callers without {@code VIEW_APPLICATIONS} see. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Summary(String name, String description, String logo, String type) {}

    /** The create-version answer: the only time the secret is shown. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CreatedVersion(String id, String name, String clientId, String clientSecret, String consumerKey,
            String consumerSecret, String creationTimestamp) {}
}

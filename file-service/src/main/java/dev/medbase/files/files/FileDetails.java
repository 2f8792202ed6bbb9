package dev.medbase.files.files;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * FileDetails on the wire (contract §8): camelCase, lower-case {@code mimetype}, ISO timestamps with milliseconds.
 * {@code tokens} is absent for callers holding a read token. {@code sha256} (hex, of the stored bytes) is a Medbase
 * extension. Null fields (projected away by {@code select()}) are left out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "mimetype", "size", "creatorId", "tags", "tokens", "creationTimestamp", "updateTimestamp",
        "sha256"})
public record FileDetails(String name, String mimetype, Long size, String creatorId, List<String> tags,
        List<TokenObject> tokens, String creationTimestamp, String updateTimestamp, String sha256) {

    /** {@code {token, accessLevel}}. */
    @JsonPropertyOrder({"token", "accessLevel"})
    public record TokenObject(String token, String accessLevel) {
    }
}

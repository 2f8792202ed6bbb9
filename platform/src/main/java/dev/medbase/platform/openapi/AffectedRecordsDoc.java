package dev.medbase.platform.openapi;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Documentation only ({@link ApiBody}): {@code {"affectedRecords": n}}, the answer of most updates and deletes
 * (contract §0), which services build as a map. The key is pinned: it is camelCase on the wire in every service that
 * uses this (user-service answers {@code records_affected} with its own record).
 */
@Schema(name = "AffectedRecords", example = "{\"affectedRecords\": 1}")
public record AffectedRecordsDoc(@JsonProperty("affectedRecords") long affectedRecords) {
}

package dev.medbase.data.history;

import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

import dev.medbase.data.documents.DocumentDocs;

/** Documentation only (OpenAPI, {@code @ApiBody} on {@link HistoryController}): one version of a document. */
final class HistoryDocs {

    private HistoryDocs() {
    }

    @Schema(description = "One change of a document and the document after it")
    record HistoryEntry(String id, String schemaId, String documentId,
                        @Schema(description = "e.g. create, update, transition, delete") String operation,
                        String userId, List<Object> transitions, List<String> fields,
                        DocumentDocs.Document document, String creationTimestamp) {}
}

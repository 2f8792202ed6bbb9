package dev.medbase.data.documents;

import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Documentation only (OpenAPI, {@code @ApiBody} on {@link DocumentController}): the wire shapes of documents
 * (contract §7.4–7.5), camelCase. A document's {@code data} is whatever its schema's properties define, so the
 * examples follow the blood-pressure schema of {@code SchemaDocs}.
 */
public final class DocumentDocs {

    private DocumentDocs() {
    }

    @Schema(description = "The document's data itself, not wrapped, validated against the schema's properties "
            + "(optionally gzip-compressed with Content-Encoding: gzip)", additionalProperties =
            Schema.AdditionalPropertiesValue.TRUE, example = """
            {"systolic": 120, "diastolic": 80, "timestamp": "2023-11-28T16:28:46.843Z",
             "medications": []}""")
    record NewDocumentData() {}

    @Schema(description = "The data fields to change; null removes a field", additionalProperties =
            Schema.AdditionalPropertiesValue.TRUE, example = """
            {"diastolic": 82}""")
    record DocumentDataChanges() {}

    @Schema(description = "A document (§7.4); transitionLock only while a transition runs")
    public record Document(String id, List<String> userIds, List<String> groupIds, String creatorId, String status,
                           String statusChangedTimestamp,
                           @Schema(description = "As the schema's properties define") Map<String, Object> data,
                           Map<String, String> transitionLock, Integer commentCount, String creationTimestamp,
                           String updateTimestamp) {}

    @Schema(description = "A manual transition by id or name, with optional input data", example = """
            {"name": "review", "data": {"diastolic": 81}}""")
    record TransitionRequest(String id, String name, Map<String, Object> data) {}

    @Schema(description = "Data fields to remove (paths relative to data)", example = """
            {"fields": ["timestamp"]}""")
    record FieldsToDelete(List<String> fields) {}

    @Schema(description = "Users to (un)link; when unlinking, no userIds unlinks all", example = """
            {"userIds": ["6310a263cff47e0008fb2221"]}""")
    record UserIds(List<String> userIds) {}

    @Schema(description = "Groups to (un)link; when unlinking, no groupIds unlinks all", example = """
            {"groupIds": ["6310a263cff47e0008fb2222"]}""")
    record GroupIds(List<String> groupIds) {}

    @Schema(description = "An object to append to an array field of data; it gets an id", additionalProperties =
            Schema.AdditionalPropertiesValue.TRUE, example = """
            {"name": "Lisinopril", "dose": "10 mg"}""")
    record NewArrayObject() {}

    @Schema(description = "The appended object with its generated id", additionalProperties =
            Schema.AdditionalPropertiesValue.TRUE, example = """
            {"id": "6566153f5a8b656f2ae3de4d", "name": "Lisinopril", "dose": "10 mg"}""")
    record ArrayObject(String id) {}

    @Schema(description = "The fields of the array object to change", additionalProperties =
            Schema.AdditionalPropertiesValue.TRUE, example = """
            {"dose": "20 mg"}""")
    record ArrayObjectChanges() {}
}

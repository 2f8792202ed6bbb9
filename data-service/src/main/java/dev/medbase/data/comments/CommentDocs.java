package dev.medbase.data.comments;

import io.swagger.v3.oas.annotations.media.Schema;

/** Documentation only (OpenAPI, {@code @ApiBody} on {@link CommentController}): comments (§7.4), camelCase. */
final class CommentDocs {

    private CommentDocs() {
    }

    @Schema(description = "A comment's text (new or changed)", example = """
            {"text": "Measured right after climbing the stairs"}""")
    record CommentText(String text) {}

    record Comment(String id, String schemaId, String documentId, String creatorId, String text,
                   String commentedTimestamp, String creationTimestamp, String updateTimestamp) {}
}

package dev.medbase.files.files;

import io.swagger.v3.oas.annotations.media.Schema;

/** Documentation only (OpenAPI, {@code @ApiBody} on {@link FilesController}): a new access token's level. */
final class TokenDocs {

    private TokenDocs() {
    }

    @Schema(description = "The access of the new token (read when absent)", example = """
            {"accessLevel": "read"}""")
    record NewToken(@Schema(allowableValues = {"full", "read"}) String accessLevel) {}
}

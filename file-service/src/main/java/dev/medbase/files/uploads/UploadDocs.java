package dev.medbase.files.uploads;

import io.swagger.v3.oas.annotations.media.Schema;

import dev.medbase.files.files.FileDetails;

/** Documentation only (OpenAPI, {@code @ApiBody} on {@link UploadsController}): a resumable upload's state. */
final class UploadDocs {

    private UploadDocs() {
    }

    @Schema(description = "How far an upload is; file once it is complete")
    record UploadStatus(String id, long offset, long length, boolean complete, String expiresAt, FileDetails file) {}
}

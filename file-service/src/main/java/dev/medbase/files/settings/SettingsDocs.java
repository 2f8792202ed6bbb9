package dev.medbase.files.settings;

import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

/** Documentation only (OpenAPI, {@code @ApiBody} on {@link SettingsController}): the service settings, camelCase. */
final class SettingsDocs {

    private SettingsDocs() {
    }

    @Schema(description = "The MIME types served inline instead of as a forced download", example = """
            {"disableForceDownloadForMimeTypes": ["image/png", "image/jpeg", "application/pdf"]}""")
    record SettingsChanges(List<String> disableForceDownloadForMimeTypes) {}

    record Settings(List<String> disableForceDownloadForMimeTypes, String updateTimestamp) {}
}

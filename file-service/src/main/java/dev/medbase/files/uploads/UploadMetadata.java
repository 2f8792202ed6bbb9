package dev.medbase.files.uploads;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.medbase.files.FilesErrors.StatusException;
import dev.medbase.platform.error.ExhError;

/** tus {@code Upload-Metadata}: {@code key base64value} pairs separated by commas; a value may be absent. */
final class UploadMetadata {

    static final int MAX_HEADER = 16 * 1024;

    private UploadMetadata() {
    }

    static Map<String, String> parse(String header) {
        Map<String, String> metadata = new LinkedHashMap<>();
        if (header == null || header.isBlank()) {
            return metadata;
        }
        if (header.length() > MAX_HEADER) {
            throw bad("Upload-Metadata is too long");
        }
        for (String pair : header.split(",")) {
            String trimmed = pair.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            int space = trimmed.indexOf(' ');
            String key = space < 0 ? trimmed : trimmed.substring(0, space);
            String value = "";
            if (space >= 0) {
                try {
                    value = new String(Base64.getDecoder().decode(trimmed.substring(space + 1).trim()),
                            StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw bad("Upload-Metadata value of '" + key + "' is not base64");
                }
            }
            if (key.isEmpty() || metadata.containsKey(key)) {
                throw bad("Upload-Metadata keys must be non-empty and unique");
            }
            metadata.put(key, value);
        }
        return metadata;
    }

    /** A comma-separated list value ({@code tags}), blanks dropped. */
    static List<String> list(String value) {
        List<String> items = new ArrayList<>();
        for (String item : value.split(",")) {
            if (!item.isBlank()) {
                items.add(item.trim());
            }
        }
        return items;
    }

    private static StatusException bad(String message) {
        return new StatusException(400, ExhError.FIELD_FORMAT_EXCEPTION, message);
    }
}

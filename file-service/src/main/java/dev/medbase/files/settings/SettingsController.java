package dev.medbase.files.settings;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.medbase.files.files.Iso;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import dev.medbase.platform.openapi.AffectedRecordsDoc;
import dev.medbase.platform.openapi.ApiBody;
import dev.medbase.platform.security.Caller;

/** {@code /files/v1/settings} (mapped before {@code /files/v1/{token}}: a literal segment wins, contract §2.10). */
@RestController
public class SettingsController {

    private final FileSettings settings;

    public SettingsController(FileSettings settings) {
        this.settings = settings;
    }

    @ApiBody(response = SettingsDocs.Settings.class)
    @GetMapping({"/files/v1/settings", "/files/v1/settings/"})
    public Map<String, Object> get(Caller caller) {
        caller.requirePermission("VIEW_FILE_SERVICE_SETTINGS");
        FileSettings.Settings current = settings.get();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(FileSettings.FIELD, current.disableForceDownloadForMimeTypes());
        body.put("updateTimestamp", Iso.format(current.updateTimestamp()));
        return body;
    }

    @ApiBody(request = SettingsDocs.SettingsChanges.class, response = AffectedRecordsDoc.class)
    @PutMapping({"/files/v1/settings", "/files/v1/settings/"})
    public Map<String, Object> update(Caller caller, @RequestBody(required = false) Map<String, Object> body) {
        caller.requirePermission("UPDATE_FILE_SERVICE_SETTINGS");
        if (body == null) {
            throw new ExhException(ExhError.EMPTY_BODY_EXCEPTION);
        }
        Object types = body.get(FileSettings.FIELD);
        if (types != null && !(types instanceof List<?>)) {
            throw new ExhException(ExhError.FIELD_FORMAT_EXCEPTION,
                    "disableForceDownloadForMimeTypes must be a list of MIME types");
        }
        settings.update((List<?>) types);
        return Map.of("affectedRecords", 1);
    }
}

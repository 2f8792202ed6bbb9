package dev.medbase.files.files;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.MediaTypeFactory;

import dev.medbase.files.FilesProperties;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/** The checks on what an upload says about its file: name, tags, MIME type. Shared by plain and resumable uploads. */
public final class UploadLimits {

    private final FilesProperties properties;

    public UploadLimits(FilesProperties properties) {
        this.properties = properties;
    }

    /**
     * A file name is metadata, never a path here, but names that look like paths or carry control characters are
     * refused (400, code 15) rather than stored: they would end up in {@code Content-Disposition} and in clients that
     * do treat them as paths.
     */
    public String name(String name) {
        if (name == null || name.isBlank()) {
            throw new ExhException(ExhError.FIELD_FORMAT_EXCEPTION, "The file name must not be empty");
        }
        if (name.length() > properties.maxNameLength()) {
            throw new ExhException(ExhError.FIELD_FORMAT_EXCEPTION,
                    "The file name is longer than " + properties.maxNameLength() + " characters");
        }
        if (name.equals(".") || name.equals("..") || name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) {
            throw new ExhException(ExhError.FIELD_FORMAT_EXCEPTION,
                    "The file name must not contain '/' or '\\' or be '.' or '..'");
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                throw new ExhException(ExhError.FIELD_FORMAT_EXCEPTION,
                        "The file name must not contain control characters");
            }
        }
        return name;
    }

    public String tag(String tag) {
        if (tag.isEmpty() || tag.length() > properties.maxTagLength()) {
            throw new ExhException(ExhError.FIELD_FORMAT_EXCEPTION,
                    "A tag must have 1 to " + properties.maxTagLength() + " characters");
        }
        return tag;
    }

    public void tagCount(List<String> tags) {
        if (tags.size() > properties.maxTags()) {
            throw new ExhException(ExhError.FIELD_FORMAT_EXCEPTION,
                    "A file can have at most " + properties.maxTags() + " tags");
        }
    }

    /**
     * The MIME type as the request states it (normalised), else guessed from the file name, else
     * {@code application/octet-stream}. A malformed stated type counts as none.
     */
    public static String mimetype(String stated, String filename) {
        if (stated != null && !stated.isBlank()) {
            try {
                MediaType type = MediaType.parseMediaType(stated.trim());
                if (!type.isWildcardType() && !type.isWildcardSubtype()) {
                    return normalise(type);
                }
            } catch (InvalidMediaTypeException e) {
                // fall through to the guess
            }
        }
        Optional<MediaType> guessed = filename == null ? Optional.empty() : MediaTypeFactory.getMediaType(filename);
        return guessed.map(UploadLimits::normalise).orElse(MediaType.APPLICATION_OCTET_STREAM_VALUE);
    }

    private static String normalise(MediaType type) {
        MediaType lower = new MediaType(type.getType().toLowerCase(Locale.ROOT),
                type.getSubtype().toLowerCase(Locale.ROOT), type.getParameters());
        return lower.toString();
    }
}

package dev.medbase.users.web;

import org.bson.types.ObjectId;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/**
 * ObjectId handling for paths and bodies. A value that is not a 24-hex ObjectId is always refused with
 * {@code 400 ID_FORMAT_EXCEPTION} (code 12), wherever it appears; a well-formed id that names nothing is 16.
 */
public final class Ids {

    private Ids() {
    }

    /** @param what names the value in the error message, e.g. {@code "userId"} or {@code "group_id"} */
    public static ObjectId parse(String what, String value) {
        if (value == null || !ObjectId.isValid(value)) {
            throw new ExhException(ExhError.ID_FORMAT_EXCEPTION,
                    "'" + what + "' must be a 24-character hexadecimal id");
        }
        return new ObjectId(value);
    }

    /** The hex form, or null. */
    public static String hex(ObjectId id) {
        return id == null ? null : id.toHexString();
    }
}

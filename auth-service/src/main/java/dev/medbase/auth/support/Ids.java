package dev.medbase.auth.support;

import org.bson.types.ObjectId;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/** Path ids: a malformed ObjectId is {@code 12 ID_FORMAT_EXCEPTION}, never a 500. */
public final class Ids {

    private Ids() {
    }

    public static ObjectId parse(String id) {
        if (id == null || !ObjectId.isValid(id)) {
            throw new ExhException(ExhError.ID_FORMAT_EXCEPTION, "'" + abbreviate(id) + "' is not a valid id");
        }
        return new ObjectId(id);
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}

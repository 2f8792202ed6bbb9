package dev.medbase.users.accounts;

import dev.medbase.platform.rql.FieldType;
import dev.medbase.platform.rql.RqlTranslator;

/**
 * RQL on users (contract §4, snake_case field names with camelCase aliases). The full translator is for callers who
 * see full users ({@code VIEW_USER}) and for bulk operations; the limited one admits only the fields of the patient
 * and staff views, so a caller cannot filter on what they cannot see. Neither admits {@code password_hash}.
 */
public final class UserQueries {

    public static final RqlTranslator FULL = base()
            .field("roles", FieldType.OBJECT_ID)
            .field("roles.id", "roles", FieldType.OBJECT_ID)
            .field("birthday", FieldType.STRING)
            .field("gender", FieldType.NUMBER)
            .field("country", FieldType.STRING)
            .field("region", FieldType.STRING)
            .field("failed_count", FieldType.NUMBER)
            .field("last_failed_timestamp", FieldType.DATE)
            .field("creation_timestamp", FieldType.DATE)
            .field("update_timestamp", FieldType.DATE)
            .build();

    public static final RqlTranslator LIMITED = base().build();

    private UserQueries() {
    }

    private static RqlTranslator.Builder base() {
        return RqlTranslator.builder()
                .field("id", "_id", FieldType.OBJECT_ID)
                .field("first_name", FieldType.STRING)
                .field("last_name", FieldType.STRING)
                .field("email", FieldType.STRING)
                .field("activation", FieldType.BOOLEAN)
                .field("phone_number", FieldType.STRING)
                .field("profile_image", FieldType.STRING)
                .field("language", FieldType.STRING)
                .field("time_zone", FieldType.STRING)
                .field("staff_enlistments")
                .field("staff_enlistments.group_id", FieldType.OBJECT_ID)
                .field("staff_enlistments.roles", FieldType.OBJECT_ID)
                .field("staff_enlistments.roles.id", "staff_enlistments.roles", FieldType.OBJECT_ID)
                .field("staff_enlistments.creation_timestamp", FieldType.DATE)
                .field("staff_enlistments.update_timestamp", FieldType.DATE)
                .field("patient_enlistments")
                .field("patient_enlistments.group_id", FieldType.OBJECT_ID)
                .field("patient_enlistments.expiry_timestamp", FieldType.DATE)
                .field("patient_enlistments.creation_timestamp", FieldType.DATE)
                .camelCaseAliases();
    }
}

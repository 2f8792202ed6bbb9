package dev.medbase.users.web;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import org.bson.types.ObjectId;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/**
 * Validation of request fields with messages that name the field: a missing required field is
 * {@code 14 MISSING_REQUIRED_FIELDS_EXCEPTION}, a present but unacceptable one {@code 15 FIELD_FORMAT_EXCEPTION},
 * a malformed id {@code 12 ID_FORMAT_EXCEPTION}. Limits are generous but finite, so no input reaches the database
 * or a hash function unbounded.
 */
public final class Fields {

    /** First and last names, role names. */
    public static final int MAX_NAME = 100;
    /** Descriptions of roles and group roles. */
    public static final int MAX_DESCRIPTION = 1000;
    /** RFC 5321 path limit. */
    public static final int MAX_EMAIL = 254;
    /** What is accepted as a password at all; the password policy is usually stricter. */
    public static final int MAX_PASSWORD = 1024;
    public static final int MAX_PHONE = 50;
    public static final int MAX_LANGUAGE = 10;
    public static final int MAX_TIME_ZONE = 64;
    public static final int MAX_PERMISSION = 200;
    /** Ids or permissions in one bulk body. */
    public static final int MAX_LIST = 500;
    public static final int MAX_TOKEN = 256;

    private static final Pattern EMAIL = Pattern.compile(
            "^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$");
    private static final Pattern PERMISSION = Pattern.compile("^[A-Za-z0-9_]+(:[A-Za-z0-9_.\\-]+)*$");
    private static final Pattern PHONE = Pattern.compile("^[0-9+()./\\- ]*$");
    private static final Pattern LANGUAGE = Pattern.compile("^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$");
    private static final Pattern COUNTRY = Pattern.compile("^[A-Za-z]{2}$");
    private static final Pattern REGION = Pattern.compile("^[A-Za-z]{2}-[A-Za-z0-9]{1,3}$");

    private Fields() {
    }

    public static ExhException missing(String field) {
        return new ExhException(ExhError.MISSING_REQUIRED_FIELDS_EXCEPTION, "'" + field + "' is required");
    }

    public static ExhException invalid(String field, String why) {
        return new ExhException(ExhError.FIELD_FORMAT_EXCEPTION, "'" + field + "' " + why);
    }

    /** A non-blank string of at most {@code max} characters, trimmed. */
    public static String required(String field, String value, int max) {
        if (value == null) {
            throw missing(field);
        }
        String trimmed = value.trim();
        if (trimmed.isEmpty()) {
            throw invalid(field, "must not be empty");
        }
        return length(field, trimmed, max);
    }

    /** Null stays null; otherwise like {@link #required}. */
    public static String optional(String field, String value, int max) {
        return value == null ? null : required(field, value, max);
    }

    /** Null stays null, blank becomes the empty string; at most {@code max} characters. */
    public static String optionalText(String field, String value, int max) {
        return value == null ? null : length(field, value.trim(), max);
    }

    private static String length(String field, String value, int max) {
        if (value.length() > max) {
            throw invalid(field, "must be at most " + max + " characters long");
        }
        return value;
    }

    /** A required e-mail address, lower-cased (addresses are compared and stored case-insensitively). */
    public static String email(String field, String value) {
        String email = required(field, value, MAX_EMAIL);
        if (!EMAIL.matcher(email).matches()) {
            throw invalid(field, "is not a valid e-mail address");
        }
        return email.toLowerCase(Locale.ROOT);
    }

    /** A password as typed: not trimmed, not blank, at most {@link #MAX_PASSWORD} characters. */
    public static String password(String field, String value) {
        if (value == null) {
            throw missing(field);
        }
        if (value.isEmpty()) {
            throw invalid(field, "must not be empty");
        }
        return length(field, value, MAX_PASSWORD);
    }

    public static String phone(String field, String value, boolean required) {
        String phone = required ? required(field, value, MAX_PHONE) : optional(field, value, MAX_PHONE);
        if (phone != null && !PHONE.matcher(phone).matches()) {
            throw invalid(field, "may only contain digits, spaces and + ( ) . / -");
        }
        return phone;
    }

    public static String language(String field, String value, boolean required) {
        String language = required ? required(field, value, MAX_LANGUAGE) : optional(field, value, MAX_LANGUAGE);
        if (language != null && !LANGUAGE.matcher(language).matches()) {
            throw invalid(field, "must be a language code such as EN or nl-BE");
        }
        return language;
    }

    public static String timeZone(String field, String value) {
        String zone = optional(field, value, MAX_TIME_ZONE);
        if (zone != null) {
            try {
                ZoneId.of(zone);
            } catch (DateTimeException e) {
                throw invalid(field, "is not a known time zone (e.g. Europe/Brussels)");
            }
        }
        return zone;
    }

    public static String birthday(String field, String value) {
        String day = optional(field, value, 10);
        if (day != null) {
            try {
                LocalDate.parse(day);
            } catch (DateTimeException e) {
                throw invalid(field, "must be a date as YYYY-MM-DD");
            }
        }
        return day;
    }

    public static Integer gender(String field, Integer value) {
        if (value != null && value != 0 && value != 1 && value != 2 && value != 9) {
            throw invalid(field, "must be 0 (unknown), 1 (male), 2 (female) or 9 (not applicable)");
        }
        return value;
    }

    public static String country(String field, String value) {
        String country = optional(field, value, 2);
        if (country != null && !COUNTRY.matcher(country).matches()) {
            throw invalid(field, "must be a two-letter country code");
        }
        return country == null ? null : country.toUpperCase(Locale.ROOT);
    }

    public static String region(String field, String value) {
        String region = optional(field, value, 6);
        if (region != null && !REGION.matcher(region).matches()) {
            throw invalid(field, "must be an ISO 3166-2 region code such as NL-GR");
        }
        return region == null ? null : region.toUpperCase(Locale.ROOT);
    }

    public static ObjectId id(String field, String value) {
        if (value == null) {
            throw missing(field);
        }
        return Ids.parse(field, value);
    }

    /** A required, non-empty list of ids (duplicates dropped, order kept). */
    public static List<ObjectId> ids(String field, List<String> values) {
        if (values == null) {
            throw missing(field);
        }
        if (values.isEmpty()) {
            throw invalid(field, "must not be empty");
        }
        if (values.size() > MAX_LIST) {
            throw invalid(field, "may hold at most " + MAX_LIST + " ids");
        }
        Set<ObjectId> ids = new LinkedHashSet<>();
        for (int i = 0; i < values.size(); i++) {
            ids.add(id(field + "[" + i + "]", values.get(i)));
        }
        return new ArrayList<>(ids);
    }

    /** A required, non-empty list of permission names ({@code VIEW_DOCUMENTS}, {@code VIEW_DOCUMENTS:bp}). */
    public static List<String> permissions(String field, List<String> values) {
        if (values == null) {
            throw missing(field);
        }
        if (values.isEmpty()) {
            throw invalid(field, "must not be empty");
        }
        if (values.size() > MAX_LIST) {
            throw invalid(field, "may hold at most " + MAX_LIST + " permissions");
        }
        Set<String> permissions = new LinkedHashSet<>();
        for (int i = 0; i < values.size(); i++) {
            String name = required(field + "[" + i + "]", values.get(i), MAX_PERMISSION);
            if (!PERMISSION.matcher(name).matches()) {
                throw invalid(field + "[" + i + "]",
                        "must be a permission name such as VIEW_DOCUMENTS or VIEW_DOCUMENTS:schema");
            }
            permissions.add(name);
        }
        return new ArrayList<>(permissions);
    }
}

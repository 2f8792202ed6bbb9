package dev.medbase.mail.templates;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;

import dev.medbase.mail.web.Body;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/**
 * The localisations a template carries (a Medbase extension; Extra Horizon reads them from its localizations
 * service, which Medbase does not have): {@code {"<key>": {"EN": "text", "NL": "tekst"}}}. v1 templates use them as
 * {@code {{key,$content.a}}} with positional {@code $1}; v2 templates as {@code {{t 'key' name=@inputs.a}}} with
 * named {@code {{name}}}. A language is looked up as given ({@code nl-BE} → {@code NL-BE}), then its primary part
 * ({@code NL}), then {@code EN}; nothing found is {@code 1002 LOCALIZATION_KEY_MISSING_EXCEPTION}.
 */
public final class Localizations {

    static final Pattern KEY = Pattern.compile("^[A-Za-z0-9_\\-]{1,200}$");
    static final Pattern LANGUAGE = Pattern.compile("^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})?$");
    static final String DEFAULT_LANGUAGE = "EN";

    private Localizations() {
    }

    /** Reads and checks the {@code localizations} field; null when absent. */
    public static Map<String, Map<String, String>> read(String field, JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw Body.invalid(field, "must be an object of {key: {language: text}}");
        }
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> key : node.properties()) {
            if (!KEY.matcher(key.getKey()).matches()) {
                throw Body.invalid(field, "keys may only hold letters, digits, '_' and '-' (not '"
                        + abbreviate(key.getKey()) + "')");
            }
            if (!key.getValue().isObject()) {
                throw Body.invalid(field + "." + key.getKey(), "must be an object of {language: text}");
            }
            Map<String, String> texts = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> text : key.getValue().properties()) {
                if (!LANGUAGE.matcher(text.getKey()).matches()) {
                    throw Body.invalid(field + "." + key.getKey(), "has a key that is not a language code: '"
                            + abbreviate(text.getKey()) + "'");
                }
                if (!text.getValue().isString()) {
                    throw Body.invalid(field + "." + key.getKey() + "." + text.getKey(), "must be a string");
                }
                texts.put(text.getKey().toUpperCase(Locale.ROOT).replace('_', '-'), text.getValue().asString());
            }
            out.put(key.getKey(), texts);
        }
        return out;
    }

    /** The text of {@code key} in {@code language} (or its fallbacks); 1002 when there is none. */
    public static String text(Map<String, Map<String, String>> localizations, String key, String language) {
        Map<String, String> texts = localizations == null ? null : localizations.get(key);
        if (texts != null) {
            String lang = language == null || language.isBlank() ? DEFAULT_LANGUAGE
                    : language.trim().toUpperCase(Locale.ROOT).replace('_', '-');
            String text = texts.get(lang);
            if (text == null && lang.contains("-")) {
                text = texts.get(lang.substring(0, lang.indexOf('-')));
            }
            if (text == null) {
                text = texts.get(DEFAULT_LANGUAGE);
            }
            if (text != null) {
                return text;
            }
        }
        throw new ExhException(ExhError.LOCALIZATION_KEY_MISSING_EXCEPTION,
                "Localization key '" + abbreviate(key) + "' is missing" + (language == null ? "" : " for " + language));
    }

    static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }

    /** Language codes are stored upper-case ({@code EN}, {@code NL-BE}). */
    public static String language(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        if (!LANGUAGE.matcher(value.trim()).matches()) {
            throw Body.invalid("language", "must be a language code such as EN or nl-BE");
        }
        return value.trim().toUpperCase(Locale.ROOT).replace('_', '-');
    }
}

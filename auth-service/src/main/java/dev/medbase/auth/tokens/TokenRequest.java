package dev.medbase.auth.tokens;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;

import dev.medbase.platform.error.BodyTooLargeException;
import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The token request's parameters, from a JSON object (what the SDK sends, contract §5.1) or an
 * {@code application/x-www-form-urlencoded} body (RFC 6749). Read here rather than by Spring so every failure is an
 * OAuth2 error body: empty → 13, unparsable or another content type → 22, a non-string value or a value longer than
 * {@link #MAX_VALUE} characters → 15, a missing required field → 14.
 */
record TokenRequest(Map<String, String> params) {

    static final int MAX_VALUE = 4096;

    static TokenRequest read(HttpServletRequest request, JsonMapper json) {
        byte[] body;
        try {
            body = request.getInputStream().readAllBytes();
        } catch (BodyTooLargeException e) {
            throw new ExhException(ExhError.BODY_FORMAT_EXCEPTION, e.getMessage());
        } catch (IOException e) {
            throw new ExhException(ExhError.BODY_FORMAT_EXCEPTION, "The request body could not be read");
        }
        if (new String(body, StandardCharsets.UTF_8).isBlank()) {
            throw new ExhException(ExhError.EMPTY_BODY_EXCEPTION);
        }
        MediaType type;
        try {
            type = request.getContentType() == null ? null : MediaType.parseMediaType(request.getContentType());
        } catch (InvalidMediaTypeException e) {
            type = null;
        }
        if (type != null && (MediaType.APPLICATION_JSON.isCompatibleWith(type)
                || type.getSubtype().endsWith("+json"))) {
            return new TokenRequest(json(body, json));
        }
        if (type != null && MediaType.APPLICATION_FORM_URLENCODED.isCompatibleWith(type)) {
            return new TokenRequest(form(body));
        }
        throw new ExhException(ExhError.BODY_FORMAT_EXCEPTION,
                "Send the token request as application/json (or application/x-www-form-urlencoded)");
    }

    private static Map<String, String> json(byte[] body, JsonMapper json) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JacksonException e) {
            throw new ExhException(ExhError.BODY_FORMAT_EXCEPTION, "The request body is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new ExhException(ExhError.BODY_FORMAT_EXCEPTION, "The request body must be a JSON object");
        }
        Map<String, String> params = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            JsonNode value = e.getValue();
            if (value.isNull()) {
                continue;
            }
            if (!value.isString()) {
                throw new ExhException(ExhError.FIELD_FORMAT_EXCEPTION, "Field '" + name(e.getKey()) + "' must be a string");
            }
            params.put(e.getKey(), checked(e.getKey(), value.asString()));
        }
        return params;
    }

    private static Map<String, String> form(byte[] body) {
        Map<String, String> params = new HashMap<>();
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key;
            String value;
            try {
                key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new ExhException(ExhError.BODY_FORMAT_EXCEPTION, "The form body is not correctly encoded");
            }
            if (params.put(key, checked(key, value)) != null) {
                // RFC 6749 §3.2: parameters must not be repeated
                throw new ExhException(ExhError.BODY_FORMAT_EXCEPTION, "Parameter '" + name(key) + "' is repeated");
            }
        }
        return params;
    }

    private static String checked(String key, String value) {
        if (value.length() > MAX_VALUE) {
            throw new ExhException(ExhError.FIELD_FORMAT_EXCEPTION,
                    "Field '" + name(key) + "' is longer than " + MAX_VALUE + " characters");
        }
        return value;
    }

    private static String name(String key) {
        return key.length() > 40 ? key.substring(0, 40) + "…" : key;
    }

    /** A field, empty strings read as absent. */
    String optional(String name) {
        String value = params.get(name);
        return value == null || value.isEmpty() ? null : value;
    }

    String required(String name) {
        String value = optional(name);
        if (value == null) {
            throw new ExhException(ExhError.MISSING_REQUIRED_FIELDS_EXCEPTION, "Field '" + name + "' is required");
        }
        return value;
    }
}

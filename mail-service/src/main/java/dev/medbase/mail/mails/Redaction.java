package dev.medbase.mail.mails;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Secrets (activation / reset hashes, PIN codes) are sent but never shown: wherever a mail is stored for display
 * (the mail log's subject, body and content, the queued-mail view) or logged, every occurrence of a secret value is
 * replaced by {@value #MASK}. Hex hashes and digit PINs look the same HTML-escaped and URL-encoded, so a plain text
 * replacement finds them in links too.
 */
public final class Redaction {

    public static final String MASK = "[redacted]";

    private Redaction() {
    }

    public static String redact(String text, Set<String> secrets) {
        if (text == null || secrets == null) {
            return text;
        }
        String out = text;
        for (String secret : secrets) {
            if (secret != null && secret.length() >= 4) {
                out = out.replace(secret, MASK);
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    public static <T> T redact(T value, Set<String> secrets) {
        if (secrets == null || secrets.isEmpty() || value == null) {
            return value;
        }
        if (value instanceof String s) {
            return (T) redact(s, secrets);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), redact(v, secrets)));
            return (T) out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(v -> out.add(redact(v, secrets)));
            return (T) out;
        }
        return value;
    }
}

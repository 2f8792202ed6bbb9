package dev.medbase.users.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Type;
import java.util.Map;

import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The SDK sends users-service bodies in snake_case (contract §1.5), other clients often send camelCase. Both are
 * accepted: before a body is bound, camelCase keys are renamed to snake_case ({@code firstName} →
 * {@code first_name}; all-upper-case keys are left alone, as the SDK does). When both spellings are present the
 * snake_case one wins. Bodies that are not JSON pass through untouched, so the normal 13/22 errors still apply.
 *
 * <p>Applies to the public {@code /users/v1} controllers only, not to the internal credentials endpoints, whose
 * keys are camelCase by design.
 */
@ControllerAdvice
public class SnakeCaseRequestBodyAdvice extends RequestBodyAdviceAdapter {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    public boolean supports(MethodParameter parameter, Type targetType,
            Class<? extends HttpMessageConverter<?>> converterType) {
        String pkg = parameter.getDeclaringClass().getPackageName();
        return pkg.startsWith("dev.medbase.users.") && !pkg.startsWith("dev.medbase.users.credentials");
    }

    @Override
    public HttpInputMessage beforeBodyRead(HttpInputMessage message, MethodParameter parameter, Type targetType,
            Class<? extends HttpMessageConverter<?>> converterType) throws IOException {
        byte[] body = message.getBody().readAllBytes();
        byte[] converted = body;
        if (body.length > 0) {
            try {
                JsonNode tree = JSON.readTree(body);
                if (tree != null && (tree.isObject() || tree.isArray())) {
                    converted = JSON.writeValueAsBytes(snakeCase(tree));
                }
            } catch (JacksonException e) {
                converted = body; // the converter reports the syntax error
            }
        }
        byte[] result = converted;
        HttpHeaders headers = message.getHeaders();
        return new HttpInputMessage() {
            @Override
            public InputStream getBody() {
                return new ByteArrayInputStream(result);
            }

            @Override
            public HttpHeaders getHeaders() {
                return headers;
            }
        };
    }

    static JsonNode snakeCase(JsonNode node) {
        if (node instanceof ObjectNode object) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, JsonNode> e : object.properties()) {
                String key = e.getKey();
                String snake = snakeCase(key);
                if (!snake.equals(key) && object.has(snake)) {
                    continue; // the snake_case spelling is also present and wins
                }
                out.set(snake, snakeCase(e.getValue()));
            }
            return out;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            array.forEach(element -> out.add(snakeCase(element)));
            return out;
        }
        return node;
    }

    static String snakeCase(String key) {
        if (key.equals(key.toUpperCase(java.util.Locale.ROOT))) {
            return key;
        }
        StringBuilder out = new StringBuilder(key.length() + 4);
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0 && key.charAt(i - 1) != '_') {
                    out.append('_');
                }
                out.append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}

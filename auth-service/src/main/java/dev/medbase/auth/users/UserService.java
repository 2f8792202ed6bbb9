package dev.medbase.auth.users;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.MDC;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Client of user-service's internal credentials seam (server side and contract: user-service
 * {@code dev.medbase.users.credentials}, see its {@code package-info.java}):
 * <pre>
 * POST {users}/internal/credentials/verify  {"email","password"} → 200 {"userId"} | ExH error 106/211/212/213/…
 * POST {users}/internal/credentials/verify  {"userId","password"} → the same, for presence confirmation
 * POST {users}/internal/users/oidc           {"email","firstName","lastName"} → 200 {"userId"} | 203
 * POST {users}/internal/users/{id}/oidc/link   → 200 {"userId"} | 16
 * POST {users}/internal/users/{id}/oidc/unlink → 200 {"userId"} | 16 | 27
 * GET  {users}/internal/users/{id}/claims   → 200 {"userId","permissions","patientGroups","staffGroups"} | 404 (16)
 * </pre>
 * The base URL is {@code medbase.services.users} ({@code MEDBASE_SERVICES_USERS}, default
 * {@code http://127.0.0.1:8082}). An ExH error from user-service is rethrown as the same {@link ExhException};
 * when user-service cannot be reached or answers garbage, {@code 4 SERVICE_UNREACHABLE_EXCEPTION} (503).
 */
@Component
public class UserService {

    /** {@code medbase.services.*}: base URLs of the services auth-service calls. */
    @ConfigurationProperties("medbase.services")
    public record Urls(String users) {
        public Urls {
            users = users == null || users.isBlank() ? "http://127.0.0.1:8082" : users;
        }
    }

    /** What goes into an access token for a user. */
    public record UserClaims(String userId, List<String> permissions, List<String> patientGroups,
            Map<String, List<String>> staffGroups) {}

    private final RestClient http;
    private final JsonMapper json;

    public UserService(Urls urls, JsonMapper json) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(client);
        factory.setReadTimeout(Duration.ofSeconds(10));
        this.http = RestClient.builder().baseUrl(URI.create(urls.users())).requestFactory(factory).build();
        this.json = json;
    }

    /** @return the user id when the credentials are right; otherwise the ExH error user-service answered */
    public String verify(String email, String password) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("email", email);
        body.put("password", password);
        JsonNode answer = call(http.post().uri("/internal/credentials/verify").contentType(MediaType.APPLICATION_JSON)
                .body(json.writeValueAsString(body)));
        return text(answer, "userId");
    }

    /** The password of a known user (presence confirmation); the same errors as {@link #verify}. */
    public String verifyById(String userId, String password) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("userId", userId);
        body.put("password", password);
        JsonNode answer = call(http.post().uri("/internal/credentials/verify").contentType(MediaType.APPLICATION_JSON)
                .body(json.writeValueAsString(body)));
        return text(answer, "userId");
    }

    /** Creates the user of a first OpenID Connect login; 203 when the e-mail is taken. */
    public String createOidcUser(String email, String firstName, String lastName) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("email", email);
        body.put("firstName", firstName);
        body.put("lastName", lastName);
        JsonNode answer = call(http.post().uri("/internal/users/oidc").contentType(MediaType.APPLICATION_JSON)
                .body(json.writeValueAsString(body)));
        return text(answer, "userId");
    }

    /** Removes the password of a user being linked to an OpenID Connect provider; 16 when unknown. */
    public void linkOidcUser(String userId) {
        call(http.post().uri("/internal/users/{id}/oidc/link", userId));
    }

    /** The user's side of an OIDC unlink (sends the OIDC-unlink mail); 16 unknown, 27 not linked. */
    public void unlinkOidcUser(String userId) {
        call(http.post().uri("/internal/users/{id}/oidc/unlink", userId));
    }

    public UserClaims claims(String userId) {
        JsonNode answer = call(http.get().uri("/internal/users/{id}/claims", userId));
        List<String> permissions = strings(answer.get("permissions"));
        List<String> patientGroups = strings(answer.get("patientGroups"));
        Map<String, List<String>> staffGroups = new LinkedHashMap<>();
        JsonNode staff = answer.get("staffGroups");
        if (staff != null && staff.isObject()) {
            staff.properties().forEach(e -> staffGroups.put(e.getKey(), strings(e.getValue())));
        }
        return new UserClaims(text(answer, "userId"), permissions, patientGroups, staffGroups);
    }

    private JsonNode call(RestClient.RequestHeadersSpec<?> request) {
        try {
            String requestId = MDC.get("requestId");
            if (requestId != null) {
                request.header("X-Request-Id", requestId); // one request id across both services' logs
            }
            return request.accept(MediaType.APPLICATION_JSON).exchange((req, res) -> {
                byte[] bytes = res.getBody().readAllBytes();
                JsonNode node = parse(bytes);
                if (res.getStatusCode().is2xxSuccessful() && node != null && node.isObject()) {
                    return node;
                }
                if (node != null && node.has("code") && node.get("code").isNumber()) {
                    int code = node.get("code").asInt();
                    String message = node.has("message") ? node.get("message").asString() : null;
                    ExhError error = ExhError.byCode(code).orElse(null);
                    if (error != null && code != ExhError.SERVER_EXCEPTION.code()) {
                        throw new ExhException(error, message == null ? error.defaultMessage() : message);
                    }
                }
                throw unreachable();
            });
        } catch (ResourceAccessException e) {
            throw unreachable();
        }
    }

    private JsonNode parse(byte[] bytes) {
        try {
            return bytes.length == 0 ? null : json.readTree(bytes);
        } catch (JacksonException e) {
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isString()) {
            throw unreachable();
        }
        return value.asString();
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node != null && node.isArray()) {
            node.forEach(v -> out.add(v.asString()));
        }
        return List.copyOf(out);
    }

    private static ExhException unreachable() {
        return new ExhException(ExhError.SERVICE_UNREACHABLE_EXCEPTION, "The user service is unreachable");
    }
}

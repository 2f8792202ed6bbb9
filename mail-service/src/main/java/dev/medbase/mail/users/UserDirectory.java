package dev.medbase.mail.users;

import java.net.http.HttpClient;
import java.time.Duration;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestClientResponseException;
import tools.jackson.databind.JsonNode;

import dev.medbase.platform.error.ExhError;
import dev.medbase.platform.error.ExhException;

/**
 * Who the caller is, according to user-service: {@code GET /users/v1/me} with the caller's own bearer token (so
 * mail-service needs no privileges of its own). Used only when a caller without {@code SEND_MAILS} mails their own
 * address. Base URL: {@code medbase.services.users}.
 */
@Component
public class UserDirectory {

    /** The caller's e-mail address and whether the account is activated. */
    public record Me(String email, boolean activated) {
    }

    private final RestClient http;

    public UserDirectory(@Value("${medbase.services.users:http://127.0.0.1:8082}") String baseUrl) {
        JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build());
        factory.setReadTimeout(Duration.ofSeconds(5));
        this.http = RestClient.builder().baseUrl(baseUrl).requestFactory(factory).build();
    }

    public Me me(String bearerToken) {
        try {
            JsonNode me = http.get().uri("/users/v1/me").header(HttpHeaders.AUTHORIZATION, "Bearer " + bearerToken)
                    .retrieve().body(JsonNode.class);
            if (me == null || !me.path("email").isString()) {
                throw new ExhException(ExhError.SERVICE_UNREACHABLE_EXCEPTION, "The users service gave no e-mail address");
            }
            return new Me(me.path("email").asString(), me.path("activation").asBoolean(false));
        } catch (RestClientResponseException e) {
            if (e.getStatusCode().value() == 401 || e.getStatusCode().value() == 404) {
                throw new ExhException(ExhError.USER_NOT_AUTHENTICATED_EXCEPTION);
            }
            throw new ExhException(ExhError.SERVICE_UNREACHABLE_EXCEPTION, "The users service is unavailable");
        } catch (RestClientException e) {
            throw new ExhException(ExhError.SERVICE_UNREACHABLE_EXCEPTION, "The users service is unavailable");
        }
    }
}

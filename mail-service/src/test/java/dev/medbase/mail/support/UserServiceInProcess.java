package dev.medbase.mail.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.bson.types.ObjectId;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import tools.jackson.databind.json.JsonMapper;

import dev.medbase.devstack.infra.SharedTestInfra;
import dev.medbase.platform.testing.TestTokens;
import dev.medbase.users.UserServiceApplication;

/**
 * user-service's real Spring application on a random port of the test JVM, once per JVM, on the shared MongoDB-wire
 * server (a database of its own) and Kafka broker, verifying {@link TestTokens}: what mail-service asks
 * ({@code GET /users/v1/me}) is answered by the real code. Its outbox relay is off, so registering users here sends
 * no activation events to mail-service's consumer.
 */
public final class UserServiceInProcess {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static ConfigurableApplicationContext context;

    private UserServiceInProcess() {
    }

    /** The base URL, for {@code medbase.services.users}; starts user-service on first use. */
    public static synchronized String url() {
        if (context == null) {
            context = start();
            Runtime.getRuntime().addShutdownHook(new Thread(context::close, "user-service-stop"));
        }
        return "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
    }

    private static ConfigurableApplicationContext start() {
        // command-line arguments, which outrank platform's defaults (medbase.security.jwks-uri: auth-service's JWKS)
        return new SpringApplicationBuilder(UserServiceApplication.class).run(
                // not mail-service's application.yml, which is first on this classpath; the keys below are those of
                // user-service's own application.yml that matter here
                "--spring.config.name=user-service-in-mail-tests",
                "--server.port=0",
                "--spring.application.name=user-service",
                "--spring.mongodb.uri=" + SharedTestInfra.mongoUri("medbase-users-mail-tests"),
                "--spring.kafka.bootstrap-servers=" + SharedTestInfra.kafkaBootstrapServers(),
                "--spring.jackson.property-naming-strategy=SNAKE_CASE",
                "--spring.jackson.default-property-inclusion=non_null",
                "--spring.jackson.deserialization.fail-on-unknown-properties=false",
                "--medbase.service.prefix=/users/v1",
                "--medbase.events.source=users",
                "--medbase.events.relay.enabled=false",
                "--medbase.security.jwks-uri=" + TestTokens.jwksUri(),
                "--spring.main.banner-mode=off");
    }

    /**
     * Registers an account through {@code POST /users/v1/register} (not activated, as every new account), and
     * activates it when asked (in user-service's database, as following the activation mail would).
     *
     * @return the new user's id
     */
    public static String register(String email, boolean activated) {
        String body = "{\"first_name\":\"Test\",\"last_name\":\"User\",\"email\":\"" + email + "\",\"password\":"
                + "\"Secret-pass-1\",\"phone_number\":\"+3212345678\",\"language\":\"EN\"}";
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/users/v1/register"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("register %s: %s", email, response.body()).isEqualTo(200);
            String id = JSON.readTree(response.body()).path("id").asString();
            if (activated) {
                context.getBean(MongoTemplate.class).updateFirst(
                        Query.query(Criteria.where("_id").is(new ObjectId(id))), Update.update("activation", true),
                        "users");
            }
            return id;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

package dev.medbase.auth;

import dev.medbase.platform.testing.RealInfra;
import dev.medbase.platform.testing.ServiceContainersTest;
import dev.medbase.platform.testing.TestTokens;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * auth-service on MongoDB 8 (replica set) and Kafka from the official image, as docker compose runs it: start-up, health,
 * transactions, its events on Kafka and its consumers (platform's {@link ServiceContainersTest}). Skipped without
 * Docker.
 */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"medbase.bootstrap.client-id=containers-client", "medbase.bootstrap.client-secret=containers-secret"})
class AuthServiceContainersTest extends ServiceContainersTest {

    @DynamicPropertySource
    static void realInfra(DynamicPropertyRegistry registry) {
        RealInfra.register(registry, "medbase-auth");
        registry.add("medbase.security.jwks-uri", TestTokens::jwksUri);
    }
}

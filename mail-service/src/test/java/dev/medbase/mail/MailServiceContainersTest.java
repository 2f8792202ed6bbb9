package dev.medbase.mail;

import dev.medbase.mail.support.TestSmtp;
import dev.medbase.mail.support.UserServiceInProcess;
import dev.medbase.platform.testing.RealInfra;
import dev.medbase.platform.testing.ServiceContainersTest;
import dev.medbase.platform.testing.TestTokens;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * mail-service on MongoDB 8 (replica set) and Kafka from the official image, as docker compose runs it: start-up, health,
 * transactions, its events on Kafka and its consumers (platform's {@link ServiceContainersTest}). Skipped without
 * Docker.
 */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MailServiceContainersTest extends ServiceContainersTest {

    @DynamicPropertySource
    static void realInfra(DynamicPropertyRegistry registry) {
        RealInfra.register(registry, "medbase-mail");
        registry.add("medbase.security.jwks-uri", TestTokens::jwksUri);
        registry.add("spring.mail.port", TestSmtp::port); // the health check includes SMTP
        registry.add("medbase.services.users", UserServiceInProcess::url);
    }
}

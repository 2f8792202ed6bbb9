package dev.medbase.auth.applications;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.medbase.devstack.infra.SharedTestInfra;

@SpringBootTest(properties = {"medbase.bootstrap.client-id=test-client", "medbase.bootstrap.client-secret=s3cret-value"})
class BootstrapApplicationTest {

    @DynamicPropertySource
    static void mongo(DynamicPropertyRegistry registry) {
        registry.add("spring.mongodb.uri", () -> SharedTestInfra.mongoUri("medbase-auth"));
        registry.add("spring.kafka.bootstrap-servers", SharedTestInfra::kafkaBootstrapServers);
    }

    @Autowired
    MongoTemplate mongo;
    @Autowired
    PasswordEncoder encoder;
    @Autowired
    BootstrapApplication bootstrap;

    @Test
    void createsOneConfidentialApplicationWithAHashedSecret() throws Exception {
        bootstrap.run(null); // a second start must not add another application
        List<Document> apps = mongo.findAll(Document.class, BootstrapApplication.COLLECTION);
        assertThat(apps).hasSize(1);
        Document app = apps.get(0);
        assertThat(app.getString("type")).isEqualTo("oauth2");
        assertThat(app.getBoolean("confidential")).isTrue();
        Document version = app.getList("versions", Document.class).get(0);
        assertThat(version.getString("clientId")).isEqualTo("test-client");
        assertThat(version.getString("clientSecretHash")).startsWith("{bcrypt}").doesNotContain("s3cret-value");
        assertThat(encoder.matches("s3cret-value", version.getString("clientSecretHash"))).isTrue();
        assertThat(app.toJson()).doesNotContain("s3cret-value");
    }
}

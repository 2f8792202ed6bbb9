package dev.medbase.users.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.medbase.devstack.infra.SharedTestInfra;
import dev.medbase.platform.events.EventCodec;
import dev.medbase.platform.events.EventEnvelope;
import tools.jackson.databind.json.JsonMapper;
import dev.medbase.users.permissions.Permission;

@SpringBootTest(properties = {"medbase.bootstrap.admin-email=Admin@Example.com",
        "medbase.bootstrap.admin-password=Correct-horse-1"})
class BootstrapAdminTest {

    @DynamicPropertySource
    static void mongo(DynamicPropertyRegistry registry) {
        registry.add("spring.mongodb.uri", () -> SharedTestInfra.mongoUri("medbase-users"));
        registry.add("spring.kafka.bootstrap-servers", SharedTestInfra::kafkaBootstrapServers);
    }

    @Autowired
    MongoTemplate mongo;
    @Autowired
    PasswordEncoder encoder;
    @Autowired
    BootstrapAdmin bootstrap;

    @Test
    void createsAnActivatedAdminWithEveryPermissionOnce() throws Exception {
        // an older version's role lacks a permission: the next start adds it, and creates no second user
        mongo.updateFirst(Query.query(Criteria.where("name").is("admin")),
                new Update().pull("permissions", "VIEW_EVENTS"), BootstrapAdmin.ROLES);
        bootstrap.run(null);

        List<Document> users = mongo.findAll(Document.class, BootstrapAdmin.USERS);
        assertThat(users).hasSize(1);
        Document admin = users.get(0);
        assertThat(admin.getString("email")).isEqualTo("admin@example.com");
        assertThat(admin.getBoolean("activation")).isTrue();
        assertThat(encoder.matches("Correct-horse-1", admin.getString("password_hash"))).isTrue();
        assertThat(admin.toJson()).doesNotContain("Correct-horse-1");

        Document role = mongo.findById(admin.getList("roles", Object.class).get(0), Document.class,
                BootstrapAdmin.ROLES);
        assertThat(role.getString("name")).isEqualTo("admin");
        assertThat(role.getList("permissions", String.class))
                .containsExactlyInAnyOrderElementsOf(Permission.names());

        // announced once, through the outbox, on the users topic
        String id = admin.getObjectId("_id").toHexString();
        List<EventEnvelope> announced = new java.util.ArrayList<>();
        EventCodec codec = new EventCodec(JsonMapper.builder().build());
        try (var consumer = new KafkaConsumer<byte[], byte[]>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedTestInfra.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "bootstrap-admin-test",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            consumer.subscribe(List.of("medbase.users"));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> announced.add(codec.fromRecord(r)));
                return !announced.isEmpty();
            });
        }
        assertThat(announced).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo("user_created");
            assertThat(event.aggregateId()).isEqualTo(id);
            assertThat(event.content()).isEqualTo(Map.of("id", id));
        });
    }
}

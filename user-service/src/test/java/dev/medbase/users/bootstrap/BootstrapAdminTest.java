package dev.medbase.users.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

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

import dev.medbase.devstack.infra.EmbeddedKafka;
import dev.medbase.devstack.infra.EmbeddedMongo;
import dev.medbase.users.permissions.Permission;

@SpringBootTest(properties = {"medbase.bootstrap.admin-email=Admin@Example.com",
        "medbase.bootstrap.admin-password=Correct-horse-1"})
class BootstrapAdminTest {

    static final EmbeddedMongo MONGO = new EmbeddedMongo(EmbeddedKafka.freePort(), null).start();

    @DynamicPropertySource
    static void mongo(DynamicPropertyRegistry registry) {
        registry.add("spring.mongodb.uri", () -> MONGO.uri("medbase-users"));
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
    }
}

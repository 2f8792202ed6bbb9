package dev.medbase.platform.rql;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.medbase.platform.testing.RealInfra;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.testcontainers.junit.jupiter.Testcontainers;

/** Every query of {@link RqlMongoExecutionTest}, on MongoDB 8 instead of mongo-java-server. Skipped without Docker. */
@Testcontainers(disabledWithoutDocker = true)
class RqlMongoContainersTest extends RqlMongoExecutionTest {

    private static MongoClient real;

    // hides the superclass's start/stop, so JUnit runs only these
    @BeforeAll
    static void start() {
        real = MongoClients.create(RealInfra.mongoUri("rql-test"));
        mongo = new MongoTemplate(real, "rql-test");
        mongo.dropCollection("users");
        seed();
    }

    @AfterAll
    static void stop() {
        real.close();
    }
}

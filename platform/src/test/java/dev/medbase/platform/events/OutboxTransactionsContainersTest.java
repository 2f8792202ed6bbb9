package dev.medbase.platform.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import java.time.Duration;
import java.util.Map;

import dev.medbase.platform.mongo.MongoTransactions;
import dev.medbase.platform.testing.RealInfra;
import org.awaitility.Awaitility;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.MongoDatabaseFactory;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The outbox on real MongoDB 8 (a replica set) and Kafka: a business write and its event commit together or not at
 * all, and what commits reaches the topic. Skipped without Docker.
 */
@Testcontainers(disabledWithoutDocker = true)
class OutboxTransactionsContainersTest {

    static ConfigurableApplicationContext service;
    static MongoTemplate mongo;
    static EventPublisher events;
    static MongoTransactions transactions;
    static TransactionTemplate tx;

    @Configuration(proxyBeanMethods = false)
    static class Service {
    }

    @BeforeAll
    static void start() {
        service = TestServices.start(Service.class,
                "spring.mongodb.uri=" + RealInfra.mongoUri("outbox-transactions"),
                "spring.kafka.bootstrap-servers=" + RealInfra.kafkaBootstrapServers(),
                "medbase.events.source=txtest");
        mongo = service.getBean(MongoTemplate.class);
        events = service.getBean(EventPublisher.class);
        transactions = new MongoTransactions(service.getBean(MongoDatabaseFactory.class));
        tx = new TransactionTemplate(transactions);
        if (!mongo.collectionExists("things")) {
            mongo.createCollection("things"); // before any transaction, like a service's start-up does
        }
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void aReplicaSetHasTransactions() {
        assertThat(transactions.supported()).isTrue();
    }

    @Test
    void aFailureAfterBothWritesLeavesNeitherTheChangeNorItsEvent() {
        String id = "thing-" + new ObjectId().toHexString(); // not an ObjectId: findById would convert it
        assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
            mongo.insert(new Document("_id", id), "things");
            events.publish("thing_created", id, Map.of("id", id));
            throw new IllegalStateException("crash before commit");
        })).isInstanceOf(IllegalStateException.class);

        assertThat(mongo.findById(id, Document.class, "things")).isNull();
        assertThat(mongo.exists(query(where("aggregateId").is(id)), OutboxStore.COLLECTION)).isFalse();
    }

    @Test
    void aCommittedChangeAndItsEventAreBothThereAndTheEventReachesKafka() {
        String id = "thing-" + new ObjectId().toHexString(); // not an ObjectId: findById would convert it
        EventEnvelope event = tx.execute(status -> {
            mongo.insert(new Document("_id", id), "things");
            return events.publish("thing_created", id, Map.of("id", id));
        });

        assertThat(mongo.findById(id, Document.class, "things")).isNotNull();
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                TestServices.readAll(RealInfra.kafkaBootstrapServers(), "medbase.txtest"))
                .anySatisfy(r -> assertThat(TestServices.header(r, "ce_id")).isEqualTo(event.id())));
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                mongo.exists(query(where("aggregateId").is(id)), OutboxStore.COLLECTION)).isFalse());
    }
}

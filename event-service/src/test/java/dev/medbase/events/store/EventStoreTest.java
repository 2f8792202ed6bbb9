package dev.medbase.events.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.medbase.devstack.infra.EmbeddedKafka;
import dev.medbase.devstack.infra.EmbeddedMongo;
import dev.medbase.platform.events.EventCodec;
import dev.medbase.platform.events.EventEnvelope;
import tools.jackson.databind.json.JsonMapper;

/** Events of other services cross a real broker and are stored once, even when delivered twice. */
@SpringBootTest
class EventStoreTest {

    @TempDir
    static Path kafkaDir;
    static EmbeddedKafka kafka;
    static final EmbeddedMongo MONGO = new EmbeddedMongo(EmbeddedKafka.freePort(), null).start();

    @DynamicPropertySource
    static void infra(DynamicPropertyRegistry registry) {
        kafka = new EmbeddedKafka(EmbeddedKafka.freePort(), kafkaDir).start();
        registry.add("spring.mongodb.uri", () -> MONGO.uri("medbase-events"));
        registry.add("spring.kafka.bootstrap-servers", kafka::bootstrapServers);
    }

    @AfterAll
    static void stop() {
        kafka.close();
        MONGO.close();
    }

    @Autowired
    MongoTemplate mongo;

    @Test
    void storesEachEventOnceWithItsExhFields() throws Exception {
        EventEnvelope event = EventEnvelope.create("user_created", "users", "5e9fff9d90135a2a9a718e2f",
                Map.of("id", "5e9fff9d90135a2a9a718e2f"));
        EventCodec codec = new EventCodec(JsonMapper.builder().build());
        try (var producer = new KafkaProducer<String, String>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            producer.send(codec.toRecord(event)).get();
            producer.send(codec.toRecord(event)).get(); // a relay re-send after a lost acknowledgement
            // same key, so same partition: once the marker is stored, both copies above have been consumed
            producer.send(codec.toRecord(EventEnvelope.create("marker", "users", event.aggregateId(), Map.of())))
                    .get();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> mongo.count(
                Query.query(Criteria.where("type").is("marker")), EventStore.COLLECTION) == 1);
        Query byType = Query.query(Criteria.where("type").is("user_created"));
        List<Document> stored = mongo.find(byType, Document.class, EventStore.COLLECTION);
        assertThat(stored).hasSize(1);
        Document document = stored.get(0);
        assertThat(document.getObjectId("_id").toHexString()).isEqualTo(event.id());
        assertThat(document.get("content", Document.class).getString("id")).isEqualTo("5e9fff9d90135a2a9a718e2f");
        assertThat(document.getDate("creation_timestamp").toInstant()).isEqualTo(event.time());
        assertThat(document.getString("source")).isEqualTo("users");
    }
}

package dev.medbase.devstack.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;

class TtlMonitorTest {

    @TempDir
    Path dir;

    @Test
    void deletesWhatATtlIndexSaysHasExpiredAndNothingElse() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Instant now = Instant.now();
        try (EmbeddedMongo mongo = new EmbeddedMongo(port, dir.resolve("mongo/medbase.mv.db")).start();
             MongoClient client = MongoClients.create(mongo.uri("auth"));
             TtlMonitor monitor = new TtlMonitor(mongo.uri("admin"), Duration.ofHours(1))) {
            MongoCollection<Document> tokens = client.getDatabase("auth").getCollection("tokens");
            tokens.createIndex(Indexes.ascending("expiryTimestamp"),
                    new IndexOptions().expireAfter(0L, TimeUnit.SECONDS));
            tokens.insertMany(List.of(
                    new Document("_id", "expired").append("expiryTimestamp", Date.from(now.minusSeconds(5))),
                    new Document("_id", "live").append("expiryTimestamp", Date.from(now.plusSeconds(300))),
                    new Document("_id", "an array, one date expired").append("expiryTimestamp",
                            List.of(Date.from(now.plusSeconds(300)), Date.from(now.minusSeconds(5)))),
                    new Document("_id", "not a date").append("expiryTimestamp", "2000-01-01T00:00:00Z"),
                    new Document("_id", "no field")));
            MongoCollection<Document> events = client.getDatabase("events").getCollection("processed");
            events.createIndex(Indexes.ascending("processedAt"),
                    new IndexOptions().expireAfter(3600L, TimeUnit.SECONDS));
            events.insertMany(List.of(
                    new Document("_id", "older than the hour").append("processedAt", Date.from(now.minusSeconds(3700))),
                    new Document("_id", "within the hour").append("processedAt", Date.from(now.minusSeconds(60)))));
            MongoCollection<Document> plain = client.getDatabase("events").getCollection("plain");
            plain.createIndex(Indexes.ascending("at"));
            plain.insertOne(new Document("_id", "no TTL").append("at", Date.from(now.minusSeconds(99_999))));

            assertThat(monitor.sweep()).isEqualTo(3);
            assertThat(tokens.find().map(d -> d.getString("_id")).into(new ArrayList<>()))
                    .containsExactlyInAnyOrder("live", "not a date", "no field");
            assertThat(events.find().map(d -> d.getString("_id")).into(new ArrayList<>()))
                    .containsExactly("within the hour");
            assertThat(plain.countDocuments()).isEqualTo(1);
            assertThat(monitor.sweep()).isZero();
        }
    }
}
